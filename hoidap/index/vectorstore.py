"""Where dense and lexical search run: in this process (FAISS + bm25s files) or on Milvus.

The retriever asks a :class:`SearchBackend` for *candidates* — chunk positions with their exact
dense cosine and BM25 score, plus each side's top pool — and fuses them itself, so both
back-ends feed the very same fusion. A :class:`VectorStore` is the writing side: ingestion hands
it each new index version before the version is made current, and it switches readers to the
new version atomically.

    embedded (default)  vectors.npy + dense.faiss + lexical/ in the version directory
    milvus              one collection per version (dense + sparse BM25 vectors + metadata
                        fields) and an alias naming the current one; HOIDAP_MILVUS_URI
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from hoidap.domain import Chunk, Document
from hoidap.index.dense import DenseIndex
from hoidap.index.lexical import LexicalIndex

if TYPE_CHECKING:
    from hoidap.settings import Settings


@dataclass
class Candidates:
    """Chunks worth fusing for one query, each scored exactly on both sides.

    ``positions`` index the version's chunk list; ``dense_scores``/``lexical_scores`` are aligned
    with it. ``dense_pool``/``lexical_pool`` are each side's own top positions, best first (the
    ranks shown in traces). Candidates are the union of the two pools.

    ``dense_floor``/``lexical_floor`` are each side's lowest score over the whole collection when
    the search saw it (flat index): fusion rescales from them, so a candidate's fused score is
    the one it would get with every chunk a candidate. None (HNSW): rescaled over the candidates.
    """

    positions: np.ndarray
    dense_scores: np.ndarray
    lexical_scores: np.ndarray
    dense_pool: np.ndarray
    lexical_pool: list[int]
    timings_ms: dict[str, float] = field(default_factory=dict)
    dense_floor: float | None = None
    lexical_floor: float | None = None


class SearchBackend(Protocol):
    """The read side of one index version."""

    kind: str

    def candidates(self, query_vector: np.ndarray, query: str, pool: int) -> Candidates: ...


class VectorStore(Protocol):
    """The write side: versions written before they are served, switched atomically, dropped when old."""

    kind: str

    def write(
        self,
        version: str,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        lexical: LexicalIndex,
        flat_max_vectors: int,
    ) -> None: ...

    def activate(self, version: str) -> None: ...

    def retain(self, versions: set[str]) -> None:
        """Drop every stored version not in ``versions``."""
        ...

    def open(self, version: str, lexical: LexicalIndex, dense_kind: str) -> SearchBackend: ...


def top_positions(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first, ties by position. Only the ``k`` best are
    sorted: the cost of a full sort grows with the collection."""
    if k <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    chosen = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return chosen[np.lexsort((chosen, -scores[chosen]))].astype(np.int64)


def lexical_pool(lexical_all: np.ndarray, pool: int) -> list[int]:
    """The lexical side's top positions among chunks that match at least one term, best first."""
    return [int(i) for i in top_positions(lexical_all, pool) if lexical_all[i] > 0]


class EmbeddedSearch:
    """FAISS and bm25s in this process: the default, and what the Milvus back-end must equal."""

    kind = "embedded"

    def __init__(self, dense: DenseIndex, lexical: LexicalIndex, vectors: np.ndarray) -> None:
        self.dense = dense
        self.lexical = lexical
        self.vectors = vectors

    def candidates(self, query_vector: np.ndarray, query: str, pool: int) -> Candidates:
        """The dense top ``pool`` and the lexical top ``pool``, each candidate scored exactly on
        both sides; fusion then ranks at most ``2 × pool`` chunks, whatever the collection's size.

        Flat index: FAISS's exact top ``pool`` and its lowest score (the floor), so fused scores are
        those of a fusion over every chunk. Not a numpy product over all vectors: on two shared
        cores OpenBLAS's threads made that 6–12 ms on the 5,033 law chunks, FAISS takes 0.4 ms.
        HNSW (large collections): its approximate top pool; both re-scored from the stored vectors.
        """
        timings: dict[str, float] = {}
        started = time.perf_counter()
        lexical_all = self.lexical.scores(query)
        lexical_top = lexical_pool(lexical_all, pool)
        lexical_floor = float(lexical_all.min()) if len(lexical_all) else None
        timings["lexical"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        _, dense_top = self.dense.search(query_vector, pool)
        dense_floor: float | None = None
        if self.dense.kind == "flat":
            # The lowest cosine is the best match of the opposite vector: a second exact search.
            lowest, _ = self.dense.search(-np.asarray(query_vector, dtype=np.float32), 1)
            dense_floor = -float(lowest[0]) if len(lowest) else None
        else:
            lexical_floor = None  # rescaled over the candidates on both sides, as before
        positions = np.union1d(dense_top, np.asarray(lexical_top, dtype=np.int64)).astype(np.int64)
        scores = self.vectors[positions] @ query_vector
        timings["dense"] = (time.perf_counter() - started) * 1000
        return Candidates(
            positions, scores, lexical_all[positions], dense_top, lexical_top, timings, dense_floor, lexical_floor
        )


def open_vector_store(settings: Settings) -> VectorStore | None:
    """Milvus when ``HOIDAP_MILVUS_URI`` is set; None for the embedded default (files only)."""
    if not settings.milvus_uri:
        return None
    from hoidap.index.milvus import MilvusVectorStore

    token = settings.milvus_token.get_secret_value() if settings.milvus_token else ""
    return MilvusVectorStore(settings.milvus_uri, token=token, prefix=settings.milvus_collection_prefix)
