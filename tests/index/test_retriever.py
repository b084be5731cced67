"""Hybrid retrieval over a flat and an HNSW dense index: the same answers, fewer chunks touched."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from hoidap.index.dense import DenseIndex
from hoidap.index.retriever import HybridRetriever
from hoidap.index.vectorstore import EmbeddedSearch
from hoidap.qa.service import QAService

DEV = Path(__file__).resolve().parents[2] / "data" / "eval" / "dev.jsonl"


def _questions() -> list[str]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row[key] for row in rows[:40] for key in ("question", "question_nodiac")]


def test_flat_search_scores_its_candidates_exactly(shared_service: QAService) -> None:
    index = shared_service.index
    assert index.dense.kind == "flat"
    pool = len(index.chunks)
    result = HybridRetriever(index, shared_service.embedder, pool=pool).search("bảo hiểm y tế năm 2030", k=pool)
    assert len(result.hits) == len(index.chunks)  # pools as large as the corpus: every chunk
    query = shared_service.embedder.embed_query(result.dense_query)
    for hit in result.hits[:5]:
        position = index.chunks.index(hit.chunk)
        assert abs(hit.dense_score - float(index.vectors[position] @ query)) < 1e-5
    ranks = sorted(h.dense_rank for h in result.hits if h.dense_rank is not None)
    assert ranks == list(range(len(index.chunks)))


def test_fusion_sees_only_the_two_top_pools(shared_service: QAService) -> None:
    index = shared_service.index
    vector = shared_service.embedder.embed_query("bảo hiểm y tế năm 2030")
    found = index.search.candidates(vector, "bảo hiểm y tế năm 2030", 10)
    assert len(found.positions) <= 20 < len(index.chunks)
    assert set(found.dense_pool.tolist()) | set(found.lexical_pool) == set(found.positions.tolist())
    np.testing.assert_allclose(found.dense_scores, index.vectors[found.positions] @ vector, atol=1e-6)
    np.testing.assert_allclose(found.lexical_scores, index.lexical.scores("bảo hiểm y tế năm 2030")[found.positions])


def test_hnsw_fuses_over_candidate_pools_and_agrees_with_flat(shared_service: QAService) -> None:
    flat_index = shared_service.index
    hnsw_dense = DenseIndex.build(flat_index.vectors, flat_max_vectors=10)
    hnsw_index = replace(
        flat_index, dense=hnsw_dense, search=EmbeddedSearch(hnsw_dense, flat_index.lexical, flat_index.vectors)
    )
    assert hnsw_index.dense.kind == "hnsw"
    embedder = shared_service.embedder
    flat = HybridRetriever(flat_index, embedder, pool=20)
    hnsw = HybridRetriever(hnsw_index, embedder, pool=20)
    questions = _questions()
    same_first = 0
    for question in questions:
        approximate = hnsw.search(question, k=5)
        # Only the two candidate pools are scored, never the whole corpus.
        assert len(hnsw.search(question, k=len(flat_index.chunks)).hits) <= 40
        same_first += approximate.hits[0].chunk.chunk_id == flat.search(question, k=5).hits[0].chunk.chunk_id
    # The rescaling runs over fewer scores, so a few near-ties may swap; most must not.
    assert same_first >= 0.85 * len(questions), (same_first, len(questions))


def test_an_unaccented_question_is_embedded_as_typed_with_its_accents_back(shared_service: QAService) -> None:
    retriever = HybridRetriever(shared_service.index, shared_service.embedder)
    text, unaccented = retriever.dense_query_text("Ho can ngheo o phuong Bach Dang duoc ho tro bn % tien mua the?")
    assert unaccented
    # The "%" and the question mark stay, and so do the capitals of a name.
    assert "%" in text and text.endswith("?") and text.startswith("H")
    assert "hỗ trợ" in text
