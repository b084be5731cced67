"""Hybrid retrieval: BM25 over folded syllables fused with dense e5 similarity.

The dense model understands accented Vietnamese well but not unaccented text, while folded
BM25 is indifferent to diacritics. An unaccented question is therefore first given its accents
back from the corpus vocabulary (:mod:`hoidap.index.accents`) before it is embedded; both forms
are then fused the same way (a convex combination of the rescaled scores).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from hoidap.domain import Chunk
from hoidap.index.embedder import Embedder
from hoidap.index.identity import DocumentIdentities
from hoidap.index.store import LoadedIndex
from hoidap.vntext import is_unaccented, normalize_text


@dataclass(frozen=True)
class FusionWeights:
    """Share of the lexical score in a convex combination with the dense score (both rescaled to
    0..1 between the collection's lowest and highest score, see ``Candidates``).

    Calibrated on both domains (evidence in the first citation). An unaccented question's dense
    side embeds restored text (about 98% of syllables right since the bigram restorer), so it is
    now fused like an accented one: 0.75 → 0.6 took the laws from .834 to .863 unaccented, the
    ward sets within a question; below 0.6 ward blind2 lost (.90 → .85 at 0.5). Accented at 0.5
    gained two law questions but lost one of ward blind3, so it stays at 0.6."""

    lexical_accented: float = 0.6
    lexical_unaccented: float = 0.6
    named_document_bonus: float = 0.15


@dataclass
class ScoredChunk:
    chunk: Chunk
    score: float  # fused score, higher is better
    lexical_score: float
    dense_score: float
    lexical_rank: int | None
    dense_rank: int | None


@dataclass
class RetrievalResult:
    query: str
    dense_query: str
    unaccented: bool
    hits: list[ScoredChunk]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Documents the query names (its ward, its number, a law's title): boosted here, and the answer
    # stage's check that the main passage is theirs.
    named_documents: frozenset[str] = frozenset()


class HybridRetriever:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        *,
        pool: int = 30,
        weights: FusionWeights | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.pool = pool
        self.weights = weights or FusionWeights()
        self.identities = DocumentIdentities(index.documents)

    def dense_query_text(self, query: str) -> tuple[str, bool]:
        """The text to embed, and whether the question was typed without diacritics."""
        if is_unaccented(query):
            # As typed, accents restored: "bn % tien" keeps its "%" and "Bach Dang" its capitals.
            return self.index.accents.restore_in_place(query), True
        return normalize_text(query), False

    def search(self, query: str, k: int = 5) -> RetrievalResult:
        timings: dict[str, float] = {}
        chunks = self.index.chunks
        if not chunks:
            return RetrievalResult(query, query, False, [], timings)

        started = time.perf_counter()
        dense_text, unaccented = self.dense_query_text(query)
        query_vector = self.embedder.embed_query(dense_text)
        timings["embed"] = (time.perf_counter() - started) * 1000

        # Fusion sees the two top pools only (at most 2 × pool chunks), whatever the collection's size.
        found = self.index.search.candidates(query_vector, query, self.pool)
        timings.update(found.timings_ms)

        started = time.perf_counter()
        candidates, dense_scores, lexical_scores = found.positions, found.dense_scores, found.lexical_scores
        dense_positions, lexical_positions = found.dense_pool, found.lexical_pool
        share = self.weights.lexical_unaccented if unaccented else self.weights.lexical_accented
        fused = share * _rescale(lexical_scores, found.lexical_floor) + (1 - share) * _rescale(
            dense_scores, found.dense_floor
        )
        named = self.identities.matching_documents(query)
        if named:
            boost = np.array([chunks[p].doc_id in named for p in candidates], dtype=np.float32)
            fused = fused + self.weights.named_document_bonus * boost
        dense_rank_of = {int(p): r for r, p in enumerate(dense_positions)}
        lexical_rank_of = {p: r for r, p in enumerate(lexical_positions)}
        ordered = [int(i) for i in np.argsort(-fused, kind="stable")[: max(k, 1)]]
        hits = [
            ScoredChunk(
                chunk=chunks[candidates[i]],
                score=float(fused[i]),
                lexical_score=float(lexical_scores[i]),
                dense_score=float(dense_scores[i]),
                lexical_rank=lexical_rank_of.get(int(candidates[i])),
                dense_rank=dense_rank_of.get(int(candidates[i])),
            )
            for i in ordered
        ]
        timings["fusion"] = (time.perf_counter() - started) * 1000
        return RetrievalResult(query, dense_text, unaccented, hits, timings, frozenset(named))


def _rescale(scores: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Min-max to 0..1 so BM25 and cosine scores can be combined; ``floor`` is the collection's
    lowest score when known (the candidates hold its highest), else the candidates' lowest."""
    scores = np.asarray(scores, dtype=np.float32)
    if scores.size == 0:
        return scores
    low = float(scores.min()) if floor is None else min(floor, float(scores.min()))
    high = float(scores.max())
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)
