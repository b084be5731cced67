"""The Milvus back-end (pymilvus against milvus-lite's server) gives the embedded search's candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hoidap.index.retriever import HybridRetriever
from hoidap.index.store import IndexNotReady, IndexStore
from tests.index.test_store import contents, corpus_contents, write  # noqa: F401

pytest.importorskip("pymilvus", reason="pymilvus is not installed: pip install -e '.[scale]'")
pytest.importorskip("milvus_lite", reason="milvus-lite is not installed: pip install -e '.[scale]'")

from hoidap.index.milvus import MilvusVectorStore, ward_of, year_of  # noqa: E402

QUESTIONS = [
    "Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế là bao nhiêu?",
    "den nam 2030 ty le bao phu bao hiem y te",  # no diacritics: the folded lexical side must match
    "Ai ký văn bản?",
    "chăm sóc sức khỏe nhân dân",
    "xyzzy không có trong văn bản",
]


@pytest.fixture(scope="module")
def milvus(tmp_path_factory: pytest.TempPathFactory) -> MilvusVectorStore:
    store = MilvusVectorStore(str(tmp_path_factory.mktemp("milvus") / "hoidap.db"), prefix="t")
    yield store
    store.client.close()


def _embedded_and_milvus(tmp_path: Path, milvus: MilvusVectorStore, contents, embedder, flat_max_vectors: int):  # noqa: F811
    embedded_store = IndexStore(tmp_path / "embedded")
    write(embedded_store, contents, embedder, flat_max_vectors)
    milvus_store = IndexStore(tmp_path / "milvus", milvus)
    write(milvus_store, contents, embedder, flat_max_vectors)
    return embedded_store.load(), milvus_store.load()


def test_flat_candidates_are_the_embedded_ones(tmp_path, milvus, contents, make_embedder) -> None:  # noqa: F811
    embedder = make_embedder()
    embedded, remote = _embedded_and_milvus(tmp_path, milvus, contents, embedder, 20000)
    assert remote.search.kind == "milvus" and remote.dense is None
    for question in QUESTIONS:
        vector = embedder.embed_query(question)
        mine, theirs = embedded.search.candidates(vector, question, 30), remote.search.candidates(vector, question, 30)
        np.testing.assert_array_equal(mine.positions, theirs.positions)
        np.testing.assert_allclose(mine.dense_scores, theirs.dense_scores, atol=1e-5)
        np.testing.assert_allclose(mine.lexical_scores, theirs.lexical_scores, rtol=1e-5, atol=1e-5)
        assert mine.lexical_pool == theirs.lexical_pool
    for question in QUESTIONS:
        ours = [hit.chunk.chunk_id for hit in HybridRetriever(embedded, embedder).search(question).hits]
        assert [hit.chunk.chunk_id for hit in HybridRetriever(remote, embedder).search(question).hits] == ours


def test_hnsw_candidates_are_scored_exactly(tmp_path, milvus, contents, make_embedder) -> None:  # noqa: F811
    embedder = make_embedder()
    embedded, remote = _embedded_and_milvus(tmp_path, milvus, contents, embedder, 10)
    assert remote.manifest.dense_kind == "hnsw"
    for question in QUESTIONS:
        vector = embedder.embed_query(question)
        found = remote.search.candidates(vector, question, 20)
        assert len(found.positions) <= 40
        reference = embedded.lexical.scores(question)[found.positions]
        np.testing.assert_allclose(found.lexical_scores, reference, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(found.dense_scores, embedded.vectors[found.positions] @ vector, atol=1e-5)
        assert found.lexical_pool == embedded.search.candidates(vector, question, 20).lexical_pool


def test_versions_switch_through_the_alias_and_old_ones_are_dropped(
    tmp_path, milvus, corpus_documents, make_embedder
) -> None:
    embedder = make_embedder()
    small = corpus_contents({p: corpus_documents[p] for p in ("002", "004")}, embedder)
    store = IndexStore(tmp_path / "index", milvus)
    versions = [write(store, small, embedder).index_version for _ in range(3)]
    assert milvus.current() == milvus.collection(versions[-1])
    ours = {name for name in milvus.client.list_collections() if name.startswith("t_")}
    # The served version and one older (a process may still read it), like the version directories.
    assert {milvus.collection(versions[1]), milvus.collection(versions[2])} <= ours
    assert milvus.collection(versions[0]) not in ours
    assert store.load().version == versions[-1]


def test_metadata_fields_filter(tmp_path, milvus, contents, make_embedder) -> None:  # noqa: F811
    embedder = make_embedder()
    documents, chunks, _ = contents
    store = IndexStore(tmp_path / "index", milvus)
    version = write(store, contents, embedder).index_version
    years = {year_of(document.metadata) for document in documents} - {0}
    assert years
    year = max(years)
    rows = milvus.client.query(milvus.collection(version), filter=f"year == {year}", output_fields=["doc_id"])
    expected = {d.doc_id for d in documents if year_of(d.metadata) == year}
    assert {row["doc_id"] for row in rows} == expected
    assert len(rows) == sum(chunk.doc_id in expected for chunk in chunks)


def test_ward_comes_from_the_issuer() -> None:
    from hoidap.domain import DocumentMetadata

    assert ward_of(DocumentMetadata(issuer="ĐẢNG ỦY PHƯỜNG BẠCH ĐẰNG")) == "Bạch Đằng"
    assert ward_of(DocumentMetadata(issuer="BỘ Y TẾ")) == ""
    assert year_of(DocumentMetadata(date="2025-09-09")) == 2025 and year_of(DocumentMetadata()) == 0


def test_an_index_missing_from_milvus_says_to_migrate(tmp_path, milvus, contents, make_embedder) -> None:  # noqa: F811
    embedder = make_embedder()
    write(IndexStore(tmp_path / "index"), contents, embedder)
    with pytest.raises(IndexNotReady, match="hoidap migrate --to milvus"):
        IndexStore(tmp_path / "index", milvus).load()


def test_migrate_copies_the_served_embedded_index(tmp_path, milvus, contents, make_embedder) -> None:  # noqa: F811
    from hoidap.index.migrate import copy_index

    embedder = make_embedder()
    root = tmp_path / "index"
    version = write(IndexStore(root), contents, embedder).index_version
    report = copy_index(root, milvus, flat_max_vectors=20000)
    assert (report.index_version, report.chunks, report.target) == (version, len(contents[1]), "milvus")
    assert milvus.current() == milvus.collection(version)
    embedded, remote = IndexStore(root).load(), IndexStore(root, milvus).load()
    question = QUESTIONS[1]
    vector = embedder.embed_query(question)
    mine, theirs = embedded.search.candidates(vector, question, 30), remote.search.candidates(vector, question, 30)
    np.testing.assert_allclose(mine.lexical_scores, theirs.lexical_scores, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(mine.dense_scores, theirs.dense_scores, atol=1e-5)
    # Twice is harmless: the copy is replaced.
    assert copy_index(root, milvus, flat_max_vectors=20000).chunks == report.chunks


def test_a_version_written_for_milvus_still_loads_embedded(tmp_path, milvus, contents, make_embedder) -> None:  # noqa: F811
    embedder = make_embedder()
    root = tmp_path / "index"
    write(IndexStore(root, milvus), contents, embedder)
    # No FAISS file is built for Milvus; unsetting HOIDAP_MILVUS_URI rebuilds it from vectors.npy.
    assert not list(root.glob("v-*/dense.faiss"))
    embedded = IndexStore(root).load()
    assert embedded.search.kind == "embedded" and embedded.dense is not None and embedded.dense.kind == "flat"
    remote = IndexStore(root, milvus).load()
    question = QUESTIONS[0]
    vector = embedder.embed_query(question)
    np.testing.assert_allclose(
        embedded.search.candidates(vector, question, 30).dense_scores,
        remote.search.candidates(vector, question, 30).dense_scores,
        atol=1e-5,
    )
