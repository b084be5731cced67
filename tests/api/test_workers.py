"""`hoidap serve --workers 2` behaves as one service: one index version after an upload, one rate limit,
one set of metrics."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_data_dir, free_port, serve_process

pytestmark = pytest.mark.slow

ADMIN = {"Authorization": "Bearer workers-admin-token"}
BURST = 12
PLAN = """ĐẢNG BỘ PHƯỜNG THỬ NGHIỆM
ĐẢNG ỦY
Số 98-KH/ĐU
Thử Nghiệm, ngày 06 tháng 3 năm 2026

KẾ HOẠCH
phòng, chống sốt xuất huyết năm 2026

I. CHỈ TIÊU
1. Đến năm 2027, tỷ lệ hộ gia đình được hướng dẫn diệt bọ gậy đạt 95% trở lên.
"""


@pytest.fixture(scope="module")
def two_workers_server(
    tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """The base URL, the supervisor process and the data directory of one 2-worker server."""
    root = tmp_path_factory.mktemp("workers")
    data_dir = copy_data_dir(built_data_dir, root / "data")
    env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(data_dir),
        "HOIDAP_SERVE_WORKERS": "2",
        "HOIDAP_INDEX_WATCH_SECONDS": "0.3",
        "HOIDAP_ADMIN_TOKEN": ADMIN["Authorization"].split()[1],
        # A slow refill: the limit test spends the burst; the other tests use their own addresses.
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "2",
        "HOIDAP_RATE_LIMIT_BURST": str(BURST),
    }
    env.pop("HOIDAP_REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # the server chooses its own
    with serve_process(env, free_port(), root / "serve.log") as (base, process):
        yield base, process, data_dir


@pytest.fixture(scope="module")
def two_workers(two_workers_server: tuple[str, subprocess.Popen[bytes], Path]) -> str:
    return two_workers_server[0]


def _health_by_worker(base: str, until: float) -> dict[int, str]:
    """The index version each worker reports; fresh connections until both workers have answered
    (the kernel hands each connection to either worker)."""
    seen: dict[int, str] = {}
    while len(seen) < 2:
        assert time.monotonic() < until, f"only these workers answered: {seen}"
        with httpx.Client(base_url=base, timeout=30) as client:  # a new connection each time
            response = client.get("/healthz")
        if response.status_code == 200:
            body = response.json()
            seen[body["worker_pid"]] = body["index_version"]
    return seen


def test_an_upload_is_answered_by_every_worker(two_workers: str) -> None:
    deadline = time.monotonic() + 180
    before = _health_by_worker(two_workers, deadline)
    assert len(set(before.values())) == 1, before
    headers = {**ADMIN, "X-Forwarded-For": "10.7.0.1"}
    response = httpx.post(
        f"{two_workers}/v1/documents", files={"file": ("ke-hoach-98.txt", PLAN.encode())}, headers=headers, timeout=60
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    number = 1
    while True:
        number += 1
        # Asked of either worker: the job store is shared, whichever worker runs the job.
        job = httpx.get(
            f"{two_workers}/v1/documents/jobs/{job_id}", headers={**ADMIN, "X-Forwarded-For": f"10.7.1.{number % 250}"}
        ).json()
        if job["status"] in ("done", "failed", "cancelled"):
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    assert job["status"] == "done", job
    # Every worker swaps the new version in (the one that ran the job at once, the other on its next poll).
    while set((versions := _health_by_worker(two_workers, deadline)).values()) != {job["index_version"]}:
        assert time.monotonic() < deadline, versions
        time.sleep(0.3)
    for number in range(6):  # new connections: both workers answer from the new document
        with httpx.Client(base_url=two_workers, timeout=60) as client:
            answer = client.post(
                "/v1/ask",
                json={"question": "Tỷ lệ hộ gia đình được hướng dẫn diệt bọ gậy đạt bao nhiêu?"},
                headers={"X-Forwarded-For": f"10.7.2.{number + 1}"},
            )
        assert answer.status_code == 200, answer.text
        assert "95%" in answer.json()["answer"] and answer.json()["citations"][0]["source"] == "ke-hoach-98.txt"


def test_the_rate_limit_holds_across_workers(two_workers: str) -> None:
    statuses = []
    for _ in range(BURST + 1):
        with httpx.Client(base_url=two_workers, timeout=30) as client:  # spread over both workers
            statuses.append(client.post("/v1/search", json={"query": "bảo hiểm y tế"}).status_code)
    # Per-process buckets would allow up to 2 × BURST; the shared bucket allows BURST, then 429.
    assert statuses[:BURST] == [200] * BURST and statuses[BURST] == 429, statuses


ASKED = re.compile(r'^hoidap_http_requests_total\{method="POST",route="/v1/ask",status="\d+"\} (\S+)$', re.M)
DOCUMENTS = re.compile(r"^hoidap_index_documents (\S+)$", re.M)


def _scrape(base: str) -> tuple[int, float, float] | None:
    """(worker pid, POST /v1/ask requests counted, documents gauge) from one worker: /healthz and
    /metrics on one keep-alive connection, so the same worker answers both; None while it loads."""
    with httpx.Client(base_url=base, timeout=30) as client:
        health = client.get("/healthz")
        text = client.get("/metrics").text
        again = client.get("/healthz")
    if health.status_code != 200 or again.status_code != 200:
        return None
    pid = health.json()["worker_pid"]
    assert again.json()["worker_pid"] == pid, "the connection changed worker"
    documents = DOCUMENTS.search(text)
    assert documents is not None, text
    # The gauge reports the index the answering worker serves (set as it answers the scrape).
    assert float(documents.group(1)) == health.json()["documents"], text
    return pid, sum(float(value) for value in ASKED.findall(text)), float(documents.group(1))


def _scrapes_from_both_workers(base: str, until: float, at_least: int = 4) -> dict[int, set[float]]:
    """The /v1/ask totals seen per worker, scraping until both workers answered (and ``at_least`` scrapes)."""
    seen: dict[int, set[float]] = {}
    scrapes = 0
    while len(seen) < 2 or scrapes < at_least:
        assert time.monotonic() < until, f"only these workers answered: {seen}"
        scraped = _scrape(base)
        if scraped is not None:
            seen.setdefault(scraped[0], set()).add(scraped[1])
            scrapes += 1
    return seen


def test_metrics_count_the_requests_of_every_worker(two_workers: str) -> None:
    deadline = time.monotonic() + 120
    # Earlier tests of this module asked too: their count is the baseline, the same from both workers.
    before = _scrapes_from_both_workers(two_workers, deadline)
    assert len({total for totals in before.values() for total in totals}) == 1, before
    baseline = next(iter(next(iter(before.values()))))
    answered_by: dict[int, int] = {}
    sent = 0
    while sent < 6 or len(answered_by) < 2:  # until both workers have answered some
        assert time.monotonic() < deadline and sent < 200, answered_by
        with httpx.Client(base_url=two_workers, timeout=60) as client:  # one connection: one worker
            pid = client.get("/healthz").json()["worker_pid"]
            answer = client.post(
                "/v1/ask",
                json={"question": ["bhyt 2030 dat bao nhieu", "Giá vé máy bay đi Đà Nẵng là bao nhiêu?"][sent % 2]},
                headers={"X-Forwarded-For": f"10.7.3.{sent + 1}"},  # own buckets: the rate limit test spent its own
            )
        assert answer.status_code == 200, answer.text
        answered_by[pid] = answered_by.get(pid, 0) + 1
        sent += 1
    after = _scrapes_from_both_workers(two_workers, deadline)
    assert after == {pid: {baseline + sent} for pid in after}, (after, baseline, sent, answered_by)


def test_counts_outlive_a_worker_that_dies(two_workers_server: tuple[str, subprocess.Popen[bytes], Path]) -> None:
    base, supervisor, data_dir = two_workers_server
    deadline = time.monotonic() + 120
    totals = _scrapes_from_both_workers(base, deadline, at_least=2)
    assert len({total for seen in totals.values() for total in seen}) == 1, totals
    total = next(iter(next(iter(totals.values()))))
    victim = min(totals)
    shared = data_dir / "run" / f"metrics-{supervisor.pid}"
    assert (shared / f"gauge_livemostrecent_{victim}.db").exists(), sorted(path.name for path in shared.iterdir())
    os.kill(victim, signal.SIGKILL)  # as a crash would; the supervisor starts another worker
    # The supervisor drops the dead worker's index gauges; its counts stay in the totals.
    while (shared / f"gauge_livemostrecent_{victim}.db").exists():
        assert time.monotonic() < deadline, "the dead worker's gauges were not dropped"
        time.sleep(0.2)
    assert (shared / f"counter_{victim}.db").exists()
    for _ in range(4):
        scraped = _scrape(base)
        while scraped is None:  # the replacement worker is still loading its index
            assert time.monotonic() < deadline
            time.sleep(0.3)
            scraped = _scrape(base)
        assert scraped[0] != victim and scraped[1] == total, (scraped, total)
