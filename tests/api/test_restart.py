"""`hoidap serve` in a subprocess: SIGTERM during a long job exits, and jobs are reported after restarts.

What a restart does to a job (hoidap.api.library): a graceful stop (SIGTERM) interrupts the running
job and queues it again, so after the restart it runs again; a crash (kill -9) leaves it to be
reported ``cancelled`` at the next start, since the job may have caused the crash.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.api.conftest import ADMIN_TOKEN, copy_data_dir
from tests.api.test_jobs import SMALL_PLAN, long_plan
from tests.conftest import free_port, serve_process

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@contextmanager
def server(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server on a free port, killed (not stopped) when the block ends unless the test stopped it."""
    with serve_process(env, free_port(), log_path, stop_by_kill=True) as running:
        yield running


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _call(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> dict:
    request = urllib.request.Request(url, data=body, method=method, headers={**AUTH, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {url}: {error.code} {error.read()!r}") from None


def _upload(base: str, name: str, text: str) -> dict:
    boundary = "hoidap-test-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    ).encode()
    return _call("POST", base + "/v1/documents", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _job(base: str, job_id: str) -> dict:
    return _call("GET", f"{base}/v1/documents/jobs/{job_id}")


def _wait(base: str, job_id: str, wanted: set[str], timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _job(base, job_id)
        if job["status"] in wanted:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached {wanted}: {job}")


def test_sigterm_during_a_long_job_exits_and_jobs_survive_restarts(
    tmp_path: Path, built_data_dir: Path
) -> None:
    data_dir = copy_data_dir(built_data_dir, tmp_path / "data")
    env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(data_dir),
        "HOIDAP_ADMIN_TOKEN": ADMIN_TOKEN,
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "0",
        "HOIDAP_RECORDS_SECRET": "test-secret",
    }
    log = tmp_path / "server.log"

    # 1. A long job running and a short one queued behind it; SIGTERM.
    with server(env, log) as (base, process):
        long_job = _upload(base, "ke-hoach-dai.txt", long_plan(1500))  # minutes of embedding: still running later
        short_job = _upload(base, "ke-hoach-ngan.txt", SMALL_PLAN)
        _wait(base, long_job["job_id"], {"running"})
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)  # generous: the point is that it exits at all
        print(f"SIGTERM during a running job: exited in {time.monotonic() - started:.1f} s")
        assert process.returncode is not None

    # 2. Restart: both jobs are known and queued again (the long one says it was interrupted).
    with server(env, log) as (base, process):
        interrupted = _job(base, long_job["job_id"])
        assert interrupted["status"] in ("queued", "running"), interrupted
        assert _job(base, short_job["job_id"])["status"] in ("queued", "running", "done")
        # 3. A crash while it runs again.
        _wait(base, long_job["job_id"], {"running"})
        process.kill()
        process.wait(timeout=30)

    # 4. After the crash the long job is reported cancelled; the short one still runs to the end.
    with server(env, log) as (base, process):
        crashed = _job(base, long_job["job_id"])
        assert crashed["status"] == "cancelled" and "đột ngột" in crashed["message"], crashed
        assert _wait(base, short_job["job_id"], {"done"})["status"] == "done"
        staging = data_dir / "documents" / ".staging"
        assert not staging.exists() or not any(staging.iterdir())
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
