"""Hybrid retrieval over a flat and an HNSW dense index: the same answers, fewer chunks touched."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from hoidap.index.dense import DenseIndex
from hoidap.index.retriever import HybridRetriever
from hoidap.index.vectorstore import EmbeddedSearch
from hoidap.qa.service import QAService

DEV = Path(__file__).resolve().parents[2] / "data" / "eval" / "dev.jsonl"


def _questions() -> list[str]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row[key] for row in rows[:40] for key in ("question", "question_nodiac")]


def test_flat_search_scores_every_chunk_exactly(shared_service: QAService) -> None:
    index = shared_service.index
    assert index.dense.kind == "flat"
    result = HybridRetriever(index, shared_service.embedder).search("bảo hiểm y tế năm 2030", k=len(index.chunks))
    assert len(result.hits) == len(index.chunks)  # fusion saw the whole corpus
    query = shared_service.embedder.embed_query(result.dense_query)
    for hit in result.hits[:5]:
        position = index.chunks.index(hit.chunk)
        assert abs(hit.dense_score - float(index.vectors[position] @ query)) < 1e-5
    ranks = sorted(h.dense_rank for h in result.hits if h.dense_rank is not None)
    assert ranks == list(range(min(len(index.chunks), 30)))


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
