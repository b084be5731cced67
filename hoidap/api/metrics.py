"""Prometheus metrics: requests and latencies per route, answers, refusals, feedback, index size.

Each app gets its own registry (not the process-wide default), so several apps in one process —
tests, or a future multi-tenant setup — never collide on metric names.

The workers of one `hoidap serve --workers N` count together: the supervisor puts
``PROMETHEUS_MULTIPROC_DIR`` (a fresh directory, :func:`fresh_multiprocess_dir`) in the workers'
environment before they start, so prometheus_client (which picks its value class at import) keeps
every worker's values in files there, and a scrape of any worker sums them all (prometheus_client's
multiprocess mode). Counts of a worker that died stay in the totals; its index gauges are dropped
(:func:`mark_worker_dead`).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_DIR_PREFIX = "metrics-"


def multiprocess_dir() -> Path | None:
    """The directory the workers of this server share their values in, or None for one process.

    Both conditions: the variable alone is not enough if it was set after prometheus_client was
    imported (the values then live in memory and the directory would stay empty)."""
    path = os.environ.get(MULTIPROC_ENV)
    if not path or values.ValueClass is values.MutexValue:
        return None
    return Path(path)


def fresh_multiprocess_dir(run_dir: Path, server_pid: int) -> Path:
    """An empty ``<run_dir>/metrics-<server_pid>``, for the supervisor to put in ``PROMETHEUS_MULTIPROC_DIR``.

    Emptied first (old counts must never leak into a new run), and the directories left by servers
    that no longer run (killed before they could remove theirs) are removed."""
    run_dir.mkdir(parents=True, exist_ok=True)
    for old in run_dir.glob(_DIR_PREFIX + "*"):
        pid = old.name.removeprefix(_DIR_PREFIX)
        if pid.isdigit() and (int(pid) == server_pid or not _running(int(pid))):
            shutil.rmtree(old, ignore_errors=True)
    directory = run_dir / f"{_DIR_PREFIX}{server_pid}"
    directory.mkdir()
    return directory


def mark_worker_dead(pid: int, directory: Path) -> None:
    """A worker exited: its live gauges (index size) leave the totals; its counts stay in them."""
    mark_process_dead(pid, str(directory))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.shared_dir = multiprocess_dir()
        self.requests = Counter(
            "hoidap_http_requests", "HTTP requests by route and status.", ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "hoidap_http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=self.registry,
        )
        self.answers = Counter("hoidap_answers", "Questions answered from the documents.", registry=self.registry)
        self.refusals = Counter(
            "hoidap_refusals", "Questions the documents do not answer (answerable=false).", registry=self.registry
        )
        self.followups = Counter(
            "hoidap_followups_rewritten", "Follow-up questions rewritten from earlier turns.", ["rule"],
            registry=self.registry,
        )
        self.feedback = Counter("hoidap_feedback", "Feedback received.", ["helpful"], registry=self.registry)
        self.cache_hits = Counter("hoidap_answer_cache_hits", "Answers served from the cache.", registry=self.registry)
        # Set by the worker answering the scrape from the index it serves; across workers the most
        # recently set value of a live worker is reported (so a smaller index after a deletion shows,
        # where "max" would keep the old size until every worker had been scraped again).
        self.documents = Gauge(
            "hoidap_index_documents", "Documents in the served index.", registry=self.registry,
            multiprocess_mode="livemostrecent",
        )
        self.chunks = Gauge(
            "hoidap_index_chunks", "Chunks in the served index.", registry=self.registry,
            multiprocess_mode="livemostrecent",
        )
        self.index_swaps = Counter("hoidap_index_swaps", "Index versions swapped in.", registry=self.registry)
        self.ingest_jobs = Counter("hoidap_ingest_jobs", "Document jobs finished.", ["status"], registry=self.registry)

    def render(self) -> bytes:
        """The text exposition: this app's registry, or every worker's files when there are several.

        The collector goes in a registry of its own: registering it beside this app's metrics
        would export this worker's values twice."""
        if self.shared_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.shared_dir))
        return generate_latest(registry)


class MetricsMiddleware:
    """Counts every HTTP request, including those answered by the limits in front of the router."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            # The router stores the matched route in the scope: label by its template
            # ("/v1/documents/{doc_id}"), never by the raw path, to keep label values bounded.
            route = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            method = scope["method"] if scope["method"] in ("GET", "POST", "PUT", "DELETE", "HEAD") else "OTHER"
            self.metrics.requests.labels(method, label, str(status)).inc()
            self.metrics.latency.labels(method, label).observe(time.perf_counter() - started)
