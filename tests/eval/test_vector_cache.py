"""Passage vectors are embedded once and then read from disk; queries are never cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hoidap.eval.vector_cache import CachedEmbedder
from tests.conftest import HashingEmbedder


def test_second_run_reads_vectors_from_disk(tmp_path: Path):
    first_inner = HashingEmbedder()
    first = CachedEmbedder(first_inner, tmp_path)
    vectors = first.embed_passages(["bảo hiểm y tế", "tiêm chủng", "bảo hiểm y tế"])
    assert first_inner.passages_embedded == 2  # the repeated text is embedded once
    assert np.array_equal(vectors[0], vectors[2])

    second_inner = HashingEmbedder()
    second = CachedEmbedder(second_inner, tmp_path)
    again = second.embed_passages(["tiêm chủng", "bảo hiểm y tế"])
    assert second_inner.passages_embedded == 0
    assert np.array_equal(again, vectors[[1, 0]])
    assert (second.hits, second.misses) == (2, 0)
    assert second.name == second_inner.name and second.dimension == second_inner.dimension


def test_each_model_has_its_own_cache(tmp_path: Path):
    CachedEmbedder(HashingEmbedder(name="model-a"), tmp_path).embed_passages(["y tế"])
    other_inner = HashingEmbedder(name="model-b", dimension=32)
    other = CachedEmbedder(other_inner, tmp_path)
    assert other.embed_passages(["y tế"]).shape == (1, 32)
    assert other_inner.passages_embedded == 1


def test_queries_go_to_the_model_every_time(tmp_path: Path):
    inner = HashingEmbedder()
    cached = CachedEmbedder(inner, tmp_path)
    assert np.array_equal(cached.embed_query("bảo hiểm"), inner.embed_query("bảo hiểm"))
    assert cached.embed_passages([]).shape == (0, inner.dimension)
    assert not any(tmp_path.rglob("*.npz"))  # nothing written when nothing was embedded


def test_a_damaged_cache_file_is_ignored(tmp_path: Path):
    cached = CachedEmbedder(HashingEmbedder(), tmp_path)
    cached.embed_passages(["y tế"])
    for stored in cached.directory.glob("*.npz"):
        stored.write_bytes(b"not an npz file")
    inner = HashingEmbedder()
    assert CachedEmbedder(inner, tmp_path).embed_passages(["y tế"]).shape == (1, inner.dimension)
    assert inner.passages_embedded == 1


def test_new_vectors_go_to_shards_that_are_merged_later(tmp_path: Path, monkeypatch):
    from hoidap.eval import vector_cache

    monkeypatch.setattr(vector_cache, "SHARD_ROWS", 2)
    monkeypatch.setattr(vector_cache, "MAX_SHARDS", 3)
    cached = CachedEmbedder(HashingEmbedder(), tmp_path)
    texts = [f"đoạn {n}" for n in range(5)]
    first = cached.embed_passages(texts)
    assert len(list(cached.directory.glob("vectors-*.npz"))) == 3 and not cached.path.exists()
    # A run killed now keeps every shard written so far.
    inner = HashingEmbedder()
    reopened = CachedEmbedder(inner, tmp_path)
    assert np.array_equal(reopened.embed_passages(texts), first) and inner.passages_embedded == 0

    more = [f"đoạn {n}" for n in range(5, 8)]
    batches = list(reopened.embed_batches([texts[:3], more, texts[3:]]))
    assert [len(b) for b in batches] == [3, 3, 2]
    assert inner.passages_embedded == 3
    assert cached.path.exists() and not list(cached.directory.glob("vectors-*.npz"))  # merged
    last = HashingEmbedder()
    again = CachedEmbedder(last, tmp_path).embed_passages(texts + more)
    assert last.passages_embedded == 0 and np.array_equal(again[:5], first)


def test_passages_can_go_to_another_embedder_of_the_same_model(tmp_path: Path):
    queries, passages = HashingEmbedder(), HashingEmbedder()
    cached = CachedEmbedder(queries, tmp_path, passages=passages)
    cached.embed_passages(["y tế", "giáo dục"])
    cached.embed_query("y tế")
    assert (passages.passages_embedded, queries.passages_embedded) == (2, 0)
