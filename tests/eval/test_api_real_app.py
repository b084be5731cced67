"""``hoidap eval --api`` against the real FastAPI app, served by uvicorn on 127.0.0.1 in a thread.

The stand-in tests pin the contract; this one checks that the real service and the eval agree on
it. The app serves an index of the small test corpus built with a deterministic test embedder.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.eval.harness import EvalOptions, build_eval_index, run_eval
from hoidap.eval.vector_cache import CachedEmbedder
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from tests.conftest import HashingEmbedder

uvicorn = pytest.importorskip("uvicorn")
api_app = pytest.importorskip("hoidap.api.app")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_app(mini_corpus: Path, tmp_path: Path) -> Iterator[str]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "served",
        corpus_dir=mini_corpus,
        rate_limit_per_minute=0,
        answer_cache_size=0,
    )
    embedder = CachedEmbedder(HashingEmbedder(), tmp_path / "cache")
    build_eval_index(settings, embedder)
    app = api_app.create_app(settings, service=QAService.from_settings(settings, embedder=embedder))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_eval_reads_the_real_apps_answers(served_app: str, mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    result = run_eval(EvalOptions(gold=mini_gold, corpus=mini_corpus, data_dir=tmp_path / "eval", api=served_app))
    errors = [r.error for r in result.records if r.error]
    assert not errors
    for variant in ("accented", "unaccented"):
        assert result.metrics[f"hoidap.{variant}.error_rate"] == 0.0
        assert result.metrics[f"hoidap.{variant}.citation_verbatim"] == 1.0  # quotes verbatim in our copy of the corpus
        assert result.metrics[f"hoidap.{variant}.evidence_at_5"] > 0
