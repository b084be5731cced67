"""Health, errors for unknown routes and methods, rate limits, metrics, feedback, the page's headers."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.qa.service import QAService
from hoidap.records import open_records
from hoidap.settings import Settings
from tests.api.conftest import assert_error, make_settings


def test_healthz_reports_the_loaded_index(client: TestClient, shared_service: QAService) -> None:
    body = client.get("/healthz").json()
    assert body == {
        "status": "ok",
        "documents": len(shared_service.index.documents),
        "chunks": len(shared_service.index.chunks),
        "index_version": shared_service.index.version,
        "worker_pid": os.getpid(),  # the in-process test app: this process
    }


def test_healthz_is_503_until_an_index_is_loaded(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))  # empty data dir: nothing to load
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while app.state.context.holder.loading_error is None and time.monotonic() < deadline:
            error = assert_error(client.get("/healthz"), 503, "index_not_ready")
            time.sleep(0.1)
        error = assert_error(client.get("/healthz"), 503, "index_not_ready")
        assert "hoidap ingest" in error["message"]  # says what to do
        assert_error(client.post("/v1/ask", json={"question": "bhyt"}), 503, "index_not_ready")
        assert client.get("/").status_code == 200  # the page itself is up


def test_the_index_is_loaded_at_start_up_when_not_given(tmp_path: Path, built_data_dir: Path) -> None:
    (tmp_path / "index").symlink_to(built_data_dir / "index", target_is_directory=True)
    app = create_app(make_settings(tmp_path))
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.get("/healthz").json()["documents"] == 5


def test_unknown_route_and_wrong_method_use_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/v1/ask"), 405, "method_not_allowed")
    assert_error(client.put("/healthz"), 405, "method_not_allowed")
    assert_error(client.get("/static/missing.js"), 404, "not_found")


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path, built_data_dir: Path, shared_service: QAService) -> None:
    (tmp_path / "index").symlink_to(built_data_dir / "index", target_is_directory=True)
    app = create_app(make_settings(tmp_path, rate_limit_per_minute=60, rate_limit_burst=3), service=shared_service)
    with TestClient(app) as client:
        statuses = [client.post("/v1/search", json={"query": "bhyt", "k": 1}).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200]
        limited = client.post("/v1/search", json={"query": "bhyt", "k": 1})
        error = assert_error(limited, 429, "rate_limited")
        assert "giây" in error["message"] and int(limited.headers["Retry-After"]) >= 1
        # The page, health checks and metrics are not limited.
        assert client.get("/healthz").status_code == 200 and client.get("/").status_code == 200


def test_search_returns_hits_without_n(client: TestClient) -> None:
    body = client.post("/v1/search", json={"query": "y học cổ truyền", "k": 3}).json()
    assert len(body["hits"]) == 3
    assert all("n" not in hit and hit["quote"] and hit["source"].endswith(".txt") for hit in body["hits"])
    assert_error(client.post("/v1/search", json={"query": "", "k": 3}), 422, "question_empty")
    assert_error(client.post("/v1/search", json={"query": "bhyt", "k": 0}), 422, "out_of_range")
    assert_error(client.post("/v1/search", json={"q": "bhyt"}), 422)


def test_feedback_is_stored_in_sqlite(client: TestClient, settings: Settings) -> None:
    answer = client.post("/v1/ask", json={"question": "Ai ký công văn 307-CV/ĐU?"}).json()
    response = client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": False, "comment": "thiếu ngày"})
    assert response.status_code == 201 and response.json()["status"] == "stored"
    records = open_records(settings)
    stored = records.get_feedback(answer["answer_id"])
    assert stored is not None and stored.helpful is False and stored.comment == "thiếu ngày"
    assert stored.question == "Ai ký công văn 307-CV/ĐU?" and stored.answer == answer["answer"]
    records.close()
    # Conversation ids never reach the database in clear.
    rows = sqlite3.connect(settings.records_path).execute("SELECT conversation_hash FROM turns").fetchall()
    assert rows and all(answer["conversation_id"] not in value for (value,) in rows)


def test_feedback_errors(client: TestClient) -> None:
    assert_error(client.post("/v1/feedback", json={"answer_id": "nope", "helpful": True}), 404, "answer_not_found")
    assert_error(client.post("/v1/feedback", json={"answer_id": "x", "helpful": "yes"}), 422, "wrong_type")
    assert_error(client.post("/v1/feedback", json={"answer_id": "x"}), 422, "missing_field")
    assert_error(client.post("/v1/feedback", json={"answer_id": "x", "helpful": 1}), 422, "wrong_type")
    assert_error(client.post("/v1/feedback", json={"answer_id": "x", "helpful": True, "stars": 5}), 422, "unknown_field")


def test_metrics_in_prometheus_text_format(client: TestClient) -> None:
    answered = client.post("/v1/ask", json={"question": "bhyt 2030 dat bao nhieu"}).json()
    client.post("/v1/ask", json={"question": "Giá vé máy bay đi Đà Nẵng là bao nhiêu?"})
    client.post("/v1/feedback", json={"answer_id": answered["answer_id"], "helpful": True})
    client.post("/v1/ask", json={"question": ""})
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'hoidap_http_requests_total{method="POST",route="/v1/ask",status="200"} 2.0' in text
    assert 'hoidap_http_requests_total{method="POST",route="/v1/ask",status="422"} 1.0' in text
    assert 'hoidap_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/v1/ask"}' in text
    assert "hoidap_answers_total 1.0" in text and "hoidap_refusals_total 1.0" in text
    assert 'hoidap_feedback_total{helpful="true"} 1.0' in text
    assert "hoidap_index_documents 5.0" in text


def test_page_is_served_with_a_strict_content_security_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text and "/static/app.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    script = client.get("/static/app.js")
    assert script.status_code == 200 and ".innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/v1/ask"]["post"]
