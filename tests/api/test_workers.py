"""`hoidap serve --workers 2` behaves as one service: one index version after an upload, one rate limit."""

from __future__ import annotations

import os
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
def two_workers(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path) -> Iterator[str]:
    root = tmp_path_factory.mktemp("workers")
    env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(copy_data_dir(built_data_dir, root / "data")),
        "HOIDAP_SERVE_WORKERS": "2",
        "HOIDAP_INDEX_WATCH_SECONDS": "0.3",
        "HOIDAP_ADMIN_TOKEN": ADMIN["Authorization"].split()[1],
        # A slow refill: the limit test spends the burst; the other tests use their own addresses.
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "2",
        "HOIDAP_RATE_LIMIT_BURST": str(BURST),
    }
    env.pop("HOIDAP_REDIS_URL", None)
    with serve_process(env, free_port(), root / "serve.log") as (base, _):
        yield base


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
