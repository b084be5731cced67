"""/docs works offline, and the OpenAPI description says what the server does."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import assert_error


def test_docs_and_redoc_are_served_from_local_assets(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        assert "/docs-assets/" in response.text
        assert "cdn.jsdelivr" not in response.text and "fonts.googleapis" not in response.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert client.get(f"/docs-assets/{asset}").status_code == 200


def test_the_schema_states_question_bounds_and_400s(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ask = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
    search = schema["components"]["schemas"]["SearchRequest"]["properties"]["query"]
    for field in (ask, search):
        assert field["minLength"] == 1 and field["maxLength"] == 2000 and field["pattern"]
    for path in ("/v1/ask", "/v1/search", "/v1/feedback", "/v1/documents"):
        assert "400" in schema["paths"][path]["post"]["responses"], path
    assert "delete" in schema["paths"]["/v1/documents/jobs/{job_id}"]


def test_search_errors_name_the_query_field(client: TestClient) -> None:
    wrong = assert_error(client.post("/v1/search", json={"query": 5}), 422, "wrong_type")
    assert "“query”" in wrong["message"]
    missing = assert_error(client.post("/v1/search", json={"k": 3}), 422, "missing_field")
    assert "“query”" in missing["message"]
    empty = assert_error(client.post("/v1/search", json={"query": "  "}), 422, "question_empty")
    assert empty["message"].startswith("Truy vấn")
    no_body = assert_error(client.post("/v1/search", content=b"[]", headers={"Content-Type": "application/json"}), 422)
    assert '"query"' in no_body["message"]


def test_a_question_of_symbols_only_is_refused_as_the_schema_says(client: TestClient) -> None:
    assert_error(client.post("/v1/ask", json={"question": "?!…"}), 422, "question_invalid")
    assert_error(client.post("/v1/ask", json={"question": "a" * 2001}), 422, "question_too_long")


def test_integral_numbers_written_as_floats_are_integers(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "bảo hiểm y tế", "k": 2.0})
    assert response.status_code == 200 and len(response.json()["hits"]) == 2


def test_invalid_utf8_is_400(client: TestClient) -> None:
    response = client.post("/v1/ask", content=b'{"question": "\xff\xfe"}', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_body")


def test_malformed_multipart_is_400_about_the_form_not_json() -> None:
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from hoidap.api.app import create_app
    from tests.api.conftest import ADMIN_TOKEN, make_settings

    with TemporaryDirectory() as tmp:
        app = create_app(make_settings(Path(tmp), admin_token=ADMIN_TOKEN))
        client = TestClient(app)
        response = client.post(
            "/v1/documents",
            content=b"abc",
            headers={"Content-Type": "multipart/form-data", "Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        error = assert_error(response, 400, "invalid_form")
        assert "JSON" not in error["message"] and "multipart" in error["message"]
