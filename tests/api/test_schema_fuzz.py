"""Property-based fuzzing of the app's own OpenAPI schema (schemathesis, in-process ASGI): no 5xx, ever.

Every operation gets generated valid and invalid requests; each response must not be a server
error, and every 4xx must carry the contract's error shape. Examples are bounded so this stays
well under a minute on the 2-core CI machine. Admin endpoints are exercised with the token
configured, so uploads go through the real checks (no ingest starts: random bytes never pass the
text extraction).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from hoidap.api.app import create_app
from hoidap.qa.service import QAService
from tests.api.conftest import ADMIN_TOKEN, make_settings


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path, shared_service: QAService) -> FastAPI:
    data_dir = tmp_path_factory.mktemp("fuzz")
    (data_dir / "index").symlink_to(built_data_dir / "index", target_is_directory=True)
    return create_app(make_settings(data_dir, admin_token=ADMIN_TOKEN), service=shared_service)


def _fuzz(operation, mode: GenerationMode, seen: dict[str, set[int]]) -> None:  # type: ignore[no-untyped-def]
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        case.validate_response(response, checks=[not_a_server_error])
        seen.setdefault(operation.label, set()).add(response.status_code)
        if 400 <= response.status_code < 500:
            body = response.json()
            assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body

    try:
        check()
    except Unsatisfiable:
        # Operations without parameters or body have no invalid variant to generate.
        assert mode is GenerationMode.NEGATIVE, operation.label


# schemathesis's pytest integration (from_fixture) does not run under pytest 9, so the library is used
# directly: one hypothesis run per operation and generation mode, driven from a plain test.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_server_errors(fuzz_app: FastAPI, mode: GenerationMode) -> None:
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/ask", "/v1/search", "/v1/feedback", "/healthz", "/v1/documents"}
    seen: dict[str, set[int]] = {}
    for operation in operations:
        if operation.method.upper() != "DELETE":  # a generated doc_id never exists; see test_documents
            _fuzz(operation, mode, seen)
    assert seen and all(status < 500 for statuses in seen.values() for status in statuses), seen
