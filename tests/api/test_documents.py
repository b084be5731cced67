"""The document library: listing, details, and admin upload/replace/delete with an atomic index swap."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.index.embedder import Embedder
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from tests.api.conftest import ADMIN_TOKEN, assert_error, copy_data_dir, make_settings, wait_for_job

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

DENGUE_PLAN = """ĐẢNG BỘ PHƯỜNG THỬ NGHIỆM
ĐẢNG ỦY
*
Số 99-KH/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
Thử Nghiệm, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
phòng, chống sốt xuất huyết năm 2026

I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của Nhân dân về phòng, chống sốt xuất huyết; mỗi hộ gia đình chủ động diệt bọ gậy hằng tuần.

II. CHỈ TIÊU
1. Đến năm 2027, tỷ lệ hộ gia đình được hướng dẫn diệt bọ gậy đạt 95% trở lên.
2. Không để xảy ra tử vong do sốt xuất huyết trên địa bàn phường.

III. TỔ CHỨC THỰC HIỆN
1. Trạm y tế phường chủ trì tổ chức chiến dịch diệt bọ gậy vào tháng 4 và tháng 9 hằng năm.

T/M ĐẢNG ỦY
BÍ THƯ
Trần Văn Thử
"""


def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def admin_app_client(tmp_path: Path, built_data_dir: Path, embedder: Embedder) -> Iterator[tuple[TestClient, Settings]]:
    """An app with admin enabled on a private copy of the index (these tests change documents)."""
    settings = make_settings(copy_data_dir(built_data_dir, tmp_path / "data"), admin_token=ADMIN_TOKEN)
    app = create_app(settings, service=QAService.from_settings(settings, embedder=embedder))
    with TestClient(app) as client:
        yield client, settings


# ------------------------------------------------------------------------------ public reading
def test_documents_are_listed_with_metadata(client: TestClient, shared_service: QAService) -> None:
    body = client.get("/v1/documents").json()
    assert body["index_version"] == shared_service.index.version
    assert len(body["documents"]) == 5
    by_number = {d["number"]: d for d in body["documents"]}
    letter = by_number["307-CV/ĐU"]
    assert letter["doc_type"] == "Công văn" and letter["chunk_count"] > 0
    assert set(letter) >= {"doc_id", "source", "title", "date", "issuer", "signer_name", "references", "chunk_count"}
    assert sum(d["chunk_count"] for d in body["documents"]) == len(shared_service.index.chunks)


def test_document_detail_has_its_section_tree(client: TestClient) -> None:
    doc_id = "002_217e2353f7b863be"
    body = client.get(f"/v1/documents/{doc_id}").json()
    assert body["doc_id"] == doc_id and body["characters"] > 1000
    labels = [child["label"] for child in body["sections"]["children"]]
    assert any(label.startswith("II. MỤC TIÊU") for label in labels)
    assert body["metadata"]["doc_type"]
    assert_error(client.get("/v1/documents/khong-co"), 404, "document_not_found")


# ------------------------------------------------------------------------------ admin refusals
def test_admin_endpoints_are_disabled_without_a_configured_token(client: TestClient) -> None:
    files = {"file": ("moi.txt", DENGUE_PLAN.encode(), "text/plain")}
    error = assert_error(client.post("/v1/documents", files=files, headers=AUTH), 403, "admin_disabled")
    assert "HOIDAP_ADMIN_TOKEN" in error["message"]
    assert_error(client.delete("/v1/documents/002_217e2353f7b863be", headers=AUTH), 403, "admin_disabled")
    assert len(client.get("/v1/documents").json()["documents"]) == 5


def test_admin_needs_the_right_bearer_token(admin_app_client: tuple[TestClient, Settings]) -> None:
    client, _ = admin_app_client
    files = {"file": ("moi.txt", DENGUE_PLAN.encode(), "text/plain")}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}, {"Authorization": "Basic xx"}):
        response = client.post("/v1/documents", files=files, headers=headers)
        assert_error(response, 401, "admin_unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_error(client.delete("/v1/documents/002_217e2353f7b863be"), 401, "admin_unauthorized")


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", 415, "unsupported_type"),
        ("no-suffix", b"text", 415, "unsupported_type"),
        ("fake.pdf", b"this is not a pdf", 422, "upload_unreadable"),
        ("fake.docx", b"PK\x03\x04 not really a zip", 422, "upload_unreadable"),
        ("binary.txt", bytes(range(256)) * 8, 422, "upload_unreadable"),
        ("empty.txt", b"", 422, "upload_empty"),
        (".hidden.txt", b"van ban", 422, "invalid_filename"),
    ],
)
def test_rejected_uploads_change_nothing(
    admin_app_client: tuple[TestClient, Settings], name: str, content: bytes, status: int, code: str
) -> None:
    client, settings = admin_app_client
    before = client.get("/healthz").json()
    assert_error(client.post("/v1/documents", files={"file": (name, content)}, headers=AUTH), status, code)
    assert client.get("/healthz").json() == before
    assert not any(p.is_file() for p in settings.documents_dir.rglob("*")) if settings.documents_dir.exists() else True


def test_upload_over_the_size_limit_is_413(tmp_path: Path, built_data_dir: Path, embedder: Embedder) -> None:
    settings = make_settings(copy_data_dir(built_data_dir, tmp_path / "d"), admin_token=ADMIN_TOKEN, upload_max_bytes=1000)
    app = create_app(settings, service=QAService.from_settings(settings, embedder=embedder))
    with TestClient(app) as client:
        response = client.post("/v1/documents", files={"file": ("lon.txt", b"a " * 1000)}, headers=AUTH)
        assert_error(response, 413, "upload_too_large")
        huge = client.post("/v1/documents", files={"file": ("lon.txt", b"a " * 200_000)}, headers=AUTH)
        assert_error(huge, 413, "body_too_large")
        assert client.get("/healthz").json()["documents"] == 5


def test_upload_with_a_clashing_id_is_409(admin_app_client: tuple[TestClient, Settings]) -> None:
    client, _ = admin_app_client
    response = client.post("/v1/documents", files={"file": ("002_217e2353f7b863be.docx", _docx(DENGUE_PLAN))}, headers=AUTH)
    error = assert_error(response, 409, "document_conflict")
    assert "PUT /v1/documents/002_217e2353f7b863be" in error["message"]


def test_deleting_unknown_document_is_404(admin_app_client: tuple[TestClient, Settings]) -> None:
    client, _ = admin_app_client
    assert_error(client.delete("/v1/documents/khong-co", headers=AUTH), 404, "document_not_found")
    assert_error(client.get("/v1/documents/jobs/khong-co", headers=AUTH), 404, "job_not_found")


# ------------------------------------------------------------------------------ admin changes
def _cited_sources(client: TestClient, question: dict) -> set[str]:
    return {c["source"] for c in client.post("/v1/ask", json=question).json()["citations"]}


def test_upload_replace_and_delete(admin_app_client: tuple[TestClient, Settings]) -> None:
    client, settings = admin_app_client
    question = {"question": "Tỷ lệ hộ gia đình được hướng dẫn diệt bọ gậy đạt bao nhiêu?"}
    assert "ke-hoach-99.docx" not in _cited_sources(client, question)

    # Upload a .docx: accepted at once, indexed in the background, then swapped in.
    response = client.post(
        "/v1/documents", files={"file": ("ke-hoach-99.docx", _docx(DENGUE_PLAN))}, headers=AUTH
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["action"] == "add" and job["doc_id"] == "ke-hoach-99" and job["status"] in ("queued", "running", "done")
    finished = wait_for_job(client, job["job_id"], AUTH)
    assert finished["status"] == "done", finished
    assert client.get("/healthz").json()["index_version"] == finished["index_version"]
    listed = {d["doc_id"]: d for d in client.get("/v1/documents").json()["documents"]}
    assert listed["ke-hoach-99"]["number"] == "99-KH/ĐU" and listed["ke-hoach-99"]["chunk_count"] > 0
    answer = client.post("/v1/ask", json=question).json()
    assert answer["answerable"] is True and "95%" in answer["answer"]
    assert answer["citations"][0]["source"] == "ke-hoach-99.docx"
    assert (settings.documents_dir / "ke-hoach-99.docx").is_file()

    # Replace it (PUT, now as .txt with a new figure): same doc_id, new content.
    new_text = DENGUE_PLAN.replace("đạt 95% trở lên", "đạt 97% trở lên")
    response = client.put(
        "/v1/documents/ke-hoach-99", files={"file": ("ke-hoach-99.txt", new_text.encode())}, headers=AUTH
    )
    assert response.status_code == 202 and response.json()["action"] == "replace"
    assert wait_for_job(client, response.json()["job_id"], AUTH)["status"] == "done"
    answer = client.post("/v1/ask", json=question).json()
    assert "97%" in answer["answer"] and "95%" not in answer["answer"]
    sources = [d["source"] for d in client.get("/v1/documents").json()["documents"]]
    assert "ke-hoach-99.txt" in sources and "ke-hoach-99.docx" not in sources
    assert not (settings.documents_dir / "ke-hoach-99.docx").exists()

    # Uploading the same name again is a replacement too.
    response = client.post("/v1/documents", files={"file": ("ke-hoach-99.txt", DENGUE_PLAN.encode())}, headers=AUTH)
    assert response.json()["action"] == "replace"
    assert wait_for_job(client, response.json()["job_id"], AUTH)["status"] == "done"
    assert "95%" in client.post("/v1/ask", json=question).json()["answer"]

    # Delete it.
    response = client.delete("/v1/documents/ke-hoach-99", headers=AUTH)
    assert response.status_code == 202 and response.json()["action"] == "delete"
    assert wait_for_job(client, response.json()["job_id"], AUTH)["status"] == "done"
    assert "ke-hoach-99" not in {d["doc_id"] for d in client.get("/v1/documents").json()["documents"]}
    assert not any(source.startswith("ke-hoach-99") for source in _cited_sources(client, question))
    assert not (settings.documents_dir / "ke-hoach-99.txt").exists()
    assert 'hoidap_ingest_jobs_total{status="done"} 4.0' in client.get("/metrics").text


def test_questions_keep_being_answered_while_an_upload_is_ingested(
    admin_app_client: tuple[TestClient, Settings],
) -> None:
    client, _ = admin_app_client
    old_version = client.get("/healthz").json()["index_version"]
    # A longer document so that embedding it takes a while.
    long_plan = DENGUE_PLAN + "\n".join(
        f"{i}. Tổ dân phố số {i} tổ chức ra quân vệ sinh môi trường, thu gom vật dụng chứa nước đọng lần thứ {i}."
        for i in range(2, 40)
    )
    response = client.post("/v1/documents", files={"file": ("chien-dich.txt", long_plan.encode())}, headers=AUTH)
    assert response.status_code == 202
    job_id = response.json()["job_id"]

    results: list[tuple[int, bool, str]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answer = client.post("/v1/ask", json={"question": "bhyt 2030 dat bao nhieu"})
            body = answer.json()
            results.append((answer.status_code, body.get("answerable", False), client.get("/healthz").json()["index_version"]))

    askers = [threading.Thread(target=keep_asking) for _ in range(2)]
    for thread in askers:
        thread.start()
    try:
        job = wait_for_job(client, job_id, AUTH)
        # Keep asking a moment after the swap too.
        seen = len(results)
        while len(results) < seen + 4:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in askers:
            thread.join()
    assert job["status"] == "done"
    assert results and all(status == 200 and answerable for status, answerable, _ in results)
    versions = {version for _, _, version in results}
    assert old_version in versions and job["index_version"] in versions
