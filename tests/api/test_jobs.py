"""Document jobs under hostile files and faults: bounded uploads, cancellation, persistence, auth first."""

from __future__ import annotations

import asyncio
import io
import resource
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.index.embedder import Embedder
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from tests.api.conftest import ADMIN_TOKEN, assert_error, copy_data_dir, make_settings, wait_for_job

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def long_plan(articles: int = 400) -> str:
    """A long, varied plan: hundreds of passages to embed, so its job runs long enough to be stopped."""
    lines = ["KẾ HOẠCH", "thực hiện nhiệm vụ y tế cơ sở năm 2026", ""]
    for n in range(1, articles + 1):
        lines.append(
            f"Điều {n}. Tổ dân phố số {n % 37 + 1} tổ chức tuyên truyền đợt {n} về bảo hiểm y tế, "
            f"tiêm chủng mở rộng và phòng chống dịch; phấn đấu đạt {50 + n % 50}% hộ gia đình tham gia "
            f"trước ngày {n % 28 + 1} tháng {n % 12 + 1} năm 2026, báo cáo kết quả về Đảng ủy phường."
        )
        lines.append("")
    return "\n".join(lines)


SMALL_PLAN = "KẾ HOẠCH\nphòng chống sốt xuất huyết\n\n1. Diệt bọ gậy hằng tuần tại mỗi hộ gia đình.\n"


@pytest.fixture
def admin_client(tmp_path: Path, built_data_dir: Path, embedder: Embedder) -> Iterator[tuple[TestClient, Settings]]:
    settings = make_settings(copy_data_dir(built_data_dir, tmp_path / "data"), admin_token=ADMIN_TOKEN)
    app = create_app(settings, service=QAService.from_settings(settings, embedder=embedder))
    with TestClient(app) as client:
        yield client, settings


def _upload(client: TestClient, name: str, content: bytes) -> dict:
    response = client.post("/v1/documents", files={"file": (name, io.BytesIO(content))}, headers=AUTH)
    assert response.status_code == 202, response.text
    return response.json()


def _wait_status(client: TestClient, job_id: str, wanted: set[str], timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/documents/jobs/{job_id}", headers=AUTH).json()
        if job["status"] in wanted:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached {wanted}: {job}")


# ------------------------------------------------------------------------------ hostile uploads
def test_zip_bomb_upload_is_refused_naming_the_limit(
    admin_client: tuple[TestClient, Settings], zip_bomb: Path
) -> None:
    client, settings = admin_client
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = client.post(
        "/v1/documents", files={"file": ("ke-hoach-bom.docx", zip_bomb.read_bytes())}, headers=AUTH
    )
    error = assert_error(response, 422, "upload_unreadable")
    assert "HOIDAP_PARSE_MAX_UNCOMPRESSED_BYTES" in error["message"] and "bom nén" in error["message"]
    # The server process never inflated it (the peak is in KB; the upload itself is 4.7 MB).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024
    staging = settings.documents_dir / ".staging"
    assert not staging.exists() or not any(staging.iterdir())


def test_unauthenticated_upload_is_refused_before_its_body_is_read(
    admin_client: tuple[TestClient, Settings],
) -> None:
    client, _ = admin_client
    app = client.app
    declared = 20 * 1024 * 1024
    pulled: list[int] = []
    sent: list[dict] = []

    async def receive() -> dict:
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    for headers in ([], [(b"authorization", b"Bearer wrong")]):
        pulled.clear()
        sent.clear()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/documents",
            "raw_path": b"/v1/documents",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"content-type", b"multipart/form-data; boundary=xyz"),
                (b"content-length", str(declared).encode()),
                *headers,
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        asyncio.run(app(scope, receive, send))
        assert sent[0]["status"] == 401
        assert pulled == []  # not one chunk of the 20 MB was read


# ------------------------------------------------------------------------------ cancellation
def test_queued_and_running_jobs_can_be_cancelled(admin_client: tuple[TestClient, Settings]) -> None:
    client, settings = admin_client
    version = client.get("/v1/documents").json()["index_version"]
    running = _upload(client, "ke-hoach-dai.txt", long_plan().encode("utf-8"))
    queued = _upload(client, "ke-hoach-ngan.txt", SMALL_PLAN.encode("utf-8"))
    _wait_status(client, running["job_id"], {"running"})

    cancelled = client.delete(f"/v1/documents/jobs/{queued['job_id']}", headers=AUTH)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    stopping = client.delete(f"/v1/documents/jobs/{running['job_id']}", headers=AUTH).json()
    # Stopped at once, or at the end of its current embedding batch (seconds on a busy machine).
    assert stopping["status"] == "cancelled" or stopping["message"].startswith("Đang dừng"), stopping
    assert wait_for_job(client, running["job_id"], AUTH)["status"] == "cancelled"
    assert wait_for_job(client, queued["job_id"], AUTH)["status"] == "cancelled"

    assert_error(client.delete(f"/v1/documents/jobs/{queued['job_id']}", headers=AUTH), 409, "job_finished")
    assert_error(client.delete("/v1/documents/jobs/0000000000000000", headers=AUTH), 404, "job_not_found")
    assert_error(client.delete(f"/v1/documents/jobs/{queued['job_id']}"), 401)
    # Nothing changed: same index version, no staged files left.
    assert client.get("/v1/documents").json()["index_version"] == version
    staging = settings.documents_dir / ".staging"
    assert not staging.exists() or not any(staging.iterdir())
    # The worker is free again: a new upload is processed.
    job = _upload(client, "ke-hoach-ngan.txt", SMALL_PLAN.encode("utf-8"))
    assert wait_for_job(client, job["job_id"], AUTH)["status"] == "done"


# ------------------------------------------------------------------------------ persistence
def test_jobs_outlive_the_app_and_leftover_staging_is_cleaned(
    tmp_path: Path, built_data_dir: Path, embedder: Embedder
) -> None:
    settings = make_settings(copy_data_dir(built_data_dir, tmp_path / "data"), admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings, service=QAService.from_settings(settings, embedder=embedder))) as client:
        job = _upload(client, "ke-hoach-ngan.txt", SMALL_PLAN.encode("utf-8"))
        assert wait_for_job(client, job["job_id"], AUTH)["status"] == "done"
    jobs_db = settings.data_dir / "jobs.sqlite3"
    assert jobs_db.stat().st_mode & 0o777 == 0o600
    orphan = settings.documents_dir / ".staging" / "deadbeefdeadbeef"
    orphan.mkdir(parents=True)
    (orphan / "half-written.docx").write_bytes(b"PK")

    with TestClient(create_app(settings, service=QAService.from_settings(settings, embedder=embedder))) as client:
        again = client.get(f"/v1/documents/jobs/{job['job_id']}", headers=AUTH)
        assert again.status_code == 200 and again.json()["status"] == "done"
        assert not orphan.exists()


def test_submissions_during_shutdown_are_503(admin_client: tuple[TestClient, Settings]) -> None:
    client, _ = admin_client
    library = client.app.state.context.library  # type: ignore[attr-defined]
    stopper = threading.Thread(target=library.shutdown, args=(1.0,))
    stopper.start()
    stopper.join()
    response = client.post("/v1/documents", files={"file": ("a.txt", SMALL_PLAN.encode())}, headers=AUTH)
    assert_error(response, 503, "shutting_down")
