"""Shared fixtures: the bundled sample corpus, parsed once, and a small deterministic embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from hoidap.domain import Document
from hoidap.ingest.loaders import load_text
from hoidap.ingest.pipeline import build_document, content_hash
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
