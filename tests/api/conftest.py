"""Fixtures for the API tests: apps and clients around the shared index of tests/conftest.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.qa.service import QAService
from hoidap.settings import Settings

# The shared real index (embedder, built_data_dir, shared_service) lives in tests/conftest.py so
# every test directory uses the same one; the helpers are re-exported for the API tests.
from tests.conftest import CORPUS, REPO, copy_data_dir, make_settings

__all__ = ["CORPUS", "REPO", "copy_data_dir", "make_settings"]

ADMIN_TOKEN = "test-admin-token-5f1c"


@pytest.fixture
def settings(tmp_path: Path, built_data_dir: Path) -> Settings:
    """A fresh data directory (own SQLite records) whose index is the shared one (read-only)."""
    (tmp_path / "index").symlink_to(built_data_dir / "index", target_is_directory=True)
    return make_settings(tmp_path)


@pytest.fixture
def app(settings: Settings, shared_service: QAService) -> FastAPI:
    return create_app(settings, service=shared_service)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def wait_for_job(client: TestClient, job_id: str, headers: dict[str, str], timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/documents/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def assert_error(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    """The contract's error shape with a Vietnamese message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"].strip()
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]
