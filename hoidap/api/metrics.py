"""Prometheus metrics: requests and latencies per route, answers, refusals, feedback, index size.

Each app gets its own registry (not the process-wide default), so several apps in one process —
tests, or a future multi-tenant setup — never collide on metric names.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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
        self.documents = Gauge("hoidap_index_documents", "Documents in the served index.", registry=self.registry)
        self.chunks = Gauge("hoidap_index_chunks", "Chunks in the served index.", registry=self.registry)
        self.index_swaps = Counter("hoidap_index_swaps", "Index versions swapped in.", registry=self.registry)
        self.ingest_jobs = Counter("hoidap_ingest_jobs", "Document jobs finished.", ["status"], registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)


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
