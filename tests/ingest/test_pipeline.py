"""Ingestion end to end with a small real embedder: build, idempotent and incremental re-ingest,
removal, bad inputs, atomic rebuild after a crash, embedder switch, HNSW."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from hoidap.index.store import IndexNotReady, IndexStore, LoadedIndex
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.loaders import load_text
from hoidap.ingest.pipeline import Ingestor, IngestReport, build_document, content_hash
from hoidap.vntext import fold_diacritics
from tests.conftest import encode_cp1258

CORPUS_DIR = Path(__file__).resolve().parents[2] / "data" / "corpus"
SOURCES = sorted(path.name for path in CORPUS_DIR.glob("*.txt"))
S000, S001, S002, S003, S004 = SOURCES
BHYT_PASSAGE = "Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên"


def make_ingestor(root: Path, embedder, *, flat_max_vectors: int = 20000) -> Ingestor:
    return Ingestor(IndexStore(root), embedder, Chunker(), flat_max_vectors=flat_max_vectors)


def current_pointer(root: Path) -> str:
    return (root / "CURRENT").read_text(encoding="utf-8").strip()


def listing(root: Path) -> set[str]:
    return {path.name for path in root.iterdir()}


def load(root: Path) -> LoadedIndex:
    return IndexStore(root).load(expected_embedder="test-hashing")


def chunks_of(index: LoadedIndex, source: str) -> list:
    return [chunk for chunk in index.chunks if chunk.source == source]


def assert_no_duplicates(index: LoadedIndex) -> None:
    ids = [chunk.chunk_id for chunk in index.chunks]
    assert len(ids) == len(set(ids))
    spans = [(chunk.source, chunk.start, chunk.end) for chunk in index.chunks]
    assert len(spans) == len(set(spans))
    assert len(index.chunks) == len(index.vectors) == index.dense.size == index.lexical.size
    assert {chunk.doc_id for chunk in index.chunks} == set(index.documents)
    for chunk in index.chunks:
        assert chunk.text == index.documents[chunk.doc_id].text[chunk.start : chunk.end]


def fresh_chunk_count(path: Path) -> int:
    document = build_document(path.name, load_text(path), content_hash(path.read_bytes()))
    return len(Chunker().chunk(document))


def top_lexical(index: LoadedIndex, query: str):
    return index.chunks[int(np.argmax(index.lexical.scores(query)))]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the sample corpus that tests may change."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, folder)
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, make_embedder) -> tuple[Path, IngestReport]:
    """The sample corpus ingested once; tests get a copy of the result."""
    folder = tmp_path_factory.mktemp("template")
    shutil.copytree(CORPUS_DIR, folder / "corpus")
    report = make_ingestor(folder / "index", make_embedder()).ingest([folder / "corpus"])
    return folder / "index", report


@pytest.fixture
def first(corpus: Path, root: Path, template: tuple[Path, IngestReport]) -> IngestReport:
    """The report of a first ingest of ``corpus`` into ``root`` (a copy of the template index)."""
    template_root, report = template
    shutil.copytree(template_root, root)
    return report


# ------------------------------------------------------------------ first build


def test_first_ingest_builds_a_complete_index(corpus: Path, root: Path, first: IngestReport) -> None:
    assert first.added == SOURCES
    assert first.failed == [] and first.updated == [] and first.unchanged == [] and first.removed == []
    assert first.documents == 5
    assert first.chunks == sum(fresh_chunk_count(corpus / source) for source in SOURCES)

    index = load(root)
    manifest = index.manifest
    assert manifest.index_version == first.index_version == current_pointer(root)
    assert manifest.embedder == "test-hashing" and manifest.dimension == 64
    assert manifest.documents == {
        source: "sha256:" + hashlib.sha256((corpus / source).read_bytes()).hexdigest() for source in SOURCES
    }
    assert manifest.built_at and manifest.chunk_count == first.chunks
    assert index.vectors.shape == (first.chunks, 64)
    np.testing.assert_allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)

    directory = root / manifest.index_version
    assert (directory / "dense.faiss").stat().st_size > 0
    assert list((directory / "lexical").glob("*.npy"))
    assert len((directory / "chunks.jsonl").read_text(encoding="utf-8").splitlines()) == first.chunks
    for path in root.rglob("*"):
        assert path.suffix not in {".pkl", ".pickle", ".joblib"}, path
        if path.suffix == ".npy":
            np.load(path, allow_pickle=False)
    assert_no_duplicates(index)


def test_the_index_finds_a_known_passage(root: Path, first: IngestReport, hashing_embedder) -> None:
    index = load(root)
    lexical = top_lexical(index, "den nam 2030 do bao phu bao hiem y te toan dan dat bao nhieu")
    assert BHYT_PASSAGE in lexical.text
    assert lexical.section_path == ["II. MỤC TIÊU", "1. Mục tiêu đến năm 2030", "e)"]
    _, positions = index.dense.search(hashing_embedder.embed_query(BHYT_PASSAGE), 1)
    assert BHYT_PASSAGE in index.chunks[int(positions[0])].text


def test_progress_is_reported(corpus: Path, root: Path, hashing_embedder) -> None:
    calls: list[tuple[int, int]] = []
    report = make_ingestor(root, hashing_embedder).ingest(
        [corpus / S001], progress=lambda done, total: calls.append((done, total))
    )
    assert report.chunks > 16  # more than one batch
    assert calls[-1] == (report.chunks, report.chunks)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_embedder_with_embed_batches_gets_every_batch_at_once(corpus: Path, root: Path, hashing_embedder) -> None:
    class StreamingEmbedder:
        """Like the worker-process embedder: all batches handed over in one call, vectors back in order."""

        name, dimension = hashing_embedder.name, hashing_embedder.dimension
        calls: list[int] = []

        def embed_batches(self, batches):
            self.calls.append(len(batches))
            for batch in batches:
                yield hashing_embedder.embed_passages(batch)

        def embed_passages(self, texts):
            raise AssertionError("embed_batches is there: embed_passages must not be called")

        def embed_query(self, text):
            return hashing_embedder.embed_query(text)

    streaming = StreamingEmbedder()
    calls: list[tuple[int, int]] = []
    report = make_ingestor(root, streaming).ingest([corpus], progress=lambda d, t: calls.append((d, t)))
    assert streaming.calls == [len(calls)] and len(calls) > 1  # one call, a progress line per batch
    assert calls[-1] == (report.chunks, report.chunks)
    assert load(root).vectors.shape == (report.chunks, hashing_embedder.dimension)


# ------------------------------------------------------------------ re-ingest


def test_reingesting_the_same_folder_changes_nothing(corpus: Path, root: Path, first: IngestReport, make_embedder) -> None:
    before = listing(root)
    before_chunks = [chunk.model_dump() for chunk in load(root).chunks]
    embedder = make_embedder()
    for _ in range(2):
        again = make_ingestor(root, embedder).ingest([corpus])
        assert again.unchanged == SOURCES
        assert not again.changed and again.failed == []
        assert again.index_version == first.index_version
        assert again.chunks == first.chunks and again.documents == 5
    assert embedder.passage_calls == 0  # unchanged files are not embedded again
    assert listing(root) == before
    assert current_pointer(root) == first.index_version
    index = load(root)
    assert [chunk.model_dump() for chunk in index.chunks] == before_chunks
    assert_no_duplicates(index)


def test_a_changed_file_replaces_its_old_chunks(corpus: Path, root: Path, first: IngestReport, make_embedder) -> None:
    before = load(root)
    path = corpus / S004
    old_sentence = "Thường xuyên tuyên truyền vận động, nâng cao nhận thức trách nhiệm"
    text = path.read_text(encoding="utf-8")
    assert old_sentence in text
    text = text.replace(old_sentence, "Hằng tháng tổ chức tuyên truyền về tiêm chủng mở rộng, nâng cao nhận thức trách nhiệm")
    text = text.replace("Nơi nhận:", "4. Trạm Y tế phường\n\nTổ chức khám sàng lọc bệnh đái tháo đường cho người cao tuổi.\n\nNơi nhận:")
    path.write_text(text, encoding="utf-8")

    embedder = make_embedder()
    report = make_ingestor(root, embedder).ingest([corpus])
    assert report.updated == [S004]
    assert report.unchanged == [S000, S001, S002, S003]
    assert report.added == [] and report.failed == []
    assert report.index_version != first.index_version

    index = load(root)
    assert_no_duplicates(index)
    new_chunks = chunks_of(index, S004)
    assert len(new_chunks) == fresh_chunk_count(path)
    assert embedder.passages_embedded == len(new_chunks)  # only the changed file was embedded
    assert not any(old_sentence in chunk.text for chunk in new_chunks)
    assert index.manifest.documents[S004] == content_hash(path.read_bytes())
    assert len(index.chunks) == len(before.chunks) - len(chunks_of(before, S004)) + len(new_chunks)
    assert any(chunk.section_path == ["4. Trạm Y tế phường"] for chunk in new_chunks)
    assert "đái tháo đường" in top_lexical(index, "kham sang loc dai thao duong").text

    # The other documents keep their chunks and vectors untouched.
    old_vectors = {chunk.chunk_id: before.vectors[i] for i, chunk in enumerate(before.chunks)}
    for position, chunk in enumerate(index.chunks):
        if chunk.source != S004:
            np.testing.assert_array_equal(index.vectors[position], old_vectors[chunk.chunk_id])

    again = make_ingestor(root, embedder).ingest([corpus])
    assert again.unchanged == SOURCES and again.index_version == report.index_version


def test_a_removed_file_is_kept_unless_pruned(corpus: Path, root: Path, first: IngestReport, make_embedder) -> None:
    (corpus / S000).unlink()
    kept = make_ingestor(root, make_embedder()).ingest([corpus])
    assert kept.removed == [] and not kept.changed
    assert kept.index_version == first.index_version
    assert S000 in load(root).manifest.documents

    pruned = make_ingestor(root, make_embedder()).ingest([corpus], prune=True)
    assert pruned.removed == [S000]
    assert pruned.unchanged == [S001, S002, S003, S004]
    assert pruned.documents == 4
    index = load(root)
    assert S000 not in index.manifest.documents
    assert chunks_of(index, S000) == []
    assert all(document.source != S000 for document in index.documents.values())
    assert_no_duplicates(index)


def test_named_sources_can_be_removed(corpus: Path, root: Path, first: IngestReport, make_embedder) -> None:
    report = make_ingestor(root, make_embedder()).ingest([corpus / S002], remove_sources=[S003])
    assert report.removed == [S003]
    assert report.unchanged == [S002]
    index = load(root)
    assert set(index.manifest.documents) == {S000, S001, S002, S004}


def test_pruning_every_file_leaves_an_empty_index(corpus: Path, root: Path, first: IngestReport, make_embedder) -> None:
    for source in SOURCES:
        (corpus / source).unlink()
    report = make_ingestor(root, make_embedder()).ingest([corpus], prune=True)
    assert report.removed == SOURCES and report.chunks == 0
    index = load(root)
    assert index.chunks == [] and index.documents == {}
    assert len(index.lexical.scores("bao hiem y te")) == 0
    assert len(index.dense.search(np.ones(64, dtype=np.float32) / 8, 5)[1]) == 0
    shutil.copy(CORPUS_DIR / S002, corpus / S002)
    assert make_ingestor(root, make_embedder()).ingest([corpus]).added == [S002]


# ------------------------------------------------------------------ bad input


def test_bad_files_are_reported_and_the_rest_is_indexed(tmp_path: Path, root: Path, hashing_embedder) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(CORPUS_DIR / S002, folder / S002)
    shutil.copy(CORPUS_DIR / S004, folder / S004)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("  \n\n \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a Word document")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << broken\n%%EOF")
    legacy = (
        "KẾ HOẠCH\n\nThực hiện Chỉ thị số 25-CT/TW của Ban Bí thư về y tế cơ sở, Đảng ủy xã Tân Dân "
        "ban hành kế hoạch như sau:\n\n1. Trạm y tế xã\n\nKhám sức khỏe định kỳ cho người cao tuổi, "
        "tỷ lệ tham gia bảo hiểm y tế đạt 95%.\n\nNơi nhận:\n\n- Lưu.\n\nBÍ THƯ\n\nLê Văn Thuận"
    )
    (folder / "legacy-cp1258.txt").write_bytes(encode_cp1258(legacy))

    report = make_ingestor(root, hashing_embedder).ingest([folder])

    reasons = dict(report.failed)
    assert set(reasons) == {"empty.txt", "blank.md", "binary.txt", "corrupt.docx", "corrupt.pdf"}
    for source, reason in reasons.items():
        assert source in reason and "\n" not in reason, reason
    assert "rỗng" in reasons["empty.txt"] and "rỗng" in reasons["blank.md"]
    assert "không phải văn bản" in reasons["binary.txt"]
    assert ".docx bị hỏng" in reasons["corrupt.docx"]
    assert ".pdf bị hỏng" in reasons["corrupt.pdf"]

    assert report.added == sorted([S002, S004, "legacy-cp1258.txt"])
    index = load(root)
    assert set(index.manifest.documents) == {S002, S004, "legacy-cp1258.txt"}
    (document,) = [d for d in index.documents.values() if d.source == "legacy-cp1258.txt"]
    assert document.text == unicodedata.normalize("NFC", legacy)
    assert "Lê Văn Thuận" in top_lexical(index, "Le Van Thuan").text
    assert_no_duplicates(index)


def test_a_file_that_becomes_corrupt_keeps_its_indexed_version(
    corpus: Path, root: Path, first: IngestReport, make_embedder
) -> None:
    before = load(root)
    old_000 = [chunk.model_dump() for chunk in chunks_of(before, S000)]
    (corpus / S000).write_bytes(b"\x00\x01\x02garbage" * 100)

    alone = make_ingestor(root, make_embedder()).ingest([corpus], prune=True)
    assert [source for source, _ in alone.failed] == [S000]
    assert alone.removed == [] and alone.index_version == first.index_version

    # With another file changed in the same run, a new version is built and still holds the old 000.
    path = corpus / S004
    path.write_text(path.read_text(encoding="utf-8") + "\n\nBổ sung: tổ chức tập huấn cho cộng tác viên.\n", encoding="utf-8")
    mixed = make_ingestor(root, make_embedder()).ingest([corpus], prune=True)
    assert [source for source, _ in mixed.failed] == [S000]
    assert mixed.updated == [S004] and mixed.removed == []
    index = load(root)
    assert index.version != first.index_version
    assert [chunk.model_dump() for chunk in chunks_of(index, S000)] == old_000
    assert index.manifest.documents[S000] == before.manifest.documents[S000]
    assert "Nguyễn Thị Ước" in top_lexical(index, "Nguyen Thi Uoc").text
    assert_no_duplicates(index)


def test_files_with_the_same_name_in_two_formats_stay_apart(tmp_path: Path, root: Path, make_embedder) -> None:
    folder = tmp_path / "formats"
    folder.mkdir()
    shutil.copy(CORPUS_DIR / S000, folder / "ke-hoach.txt")
    shutil.copy(CORPUS_DIR / S004, folder / "ke-hoach.md")
    (folder / "sub").mkdir()
    shutil.copy(CORPUS_DIR / S003, folder / "sub" / "ke-hoach.txt")

    report = make_ingestor(root, make_embedder()).ingest([folder])
    assert report.added == ["ke-hoach.md", "ke-hoach.txt", "sub/ke-hoach.txt"]
    index = load(root)
    assert len(index.documents) == 3
    assert_no_duplicates(index)

    again = make_ingestor(root, make_embedder()).ingest([folder])
    assert again.unchanged == report.added and not again.changed
    assert again.chunks == report.chunks


# ------------------------------------------------------------------ atomic rebuild


def test_a_crash_mid_build_leaves_the_previous_index_serving(
    corpus: Path, root: Path, first: IngestReport, make_embedder
) -> None:
    before = listing(root)
    pointer = (root / "CURRENT").read_bytes()
    for source in (S001, S002):  # both change: their chunks must be embedded again
        path = corpus / source
        path.write_text(path.read_text(encoding="utf-8").replace("Nhân dân", "nhân dân"), encoding="utf-8")

    crashing = make_embedder(fail_on_call=2)  # the first batch succeeds, the second one crashes
    with pytest.raises(RuntimeError, match="simulated crash"):
        make_ingestor(root, crashing).ingest([corpus])
    assert crashing.passage_calls == 2

    with pytest.raises(RuntimeError, match="simulated crash"):
        make_ingestor(root, make_embedder(fail_on_call=3)).ingest([corpus], rebuild=True)

    assert (root / "CURRENT").read_bytes() == pointer
    assert listing(root) == before  # no half-built version, visible or hidden
    index = load(root)
    assert index.version == first.index_version
    assert index.manifest.documents[S002] == first_hash(S002)
    target = top_lexical(index, "do bao phu bao hiem y te toan dan dat 98%")
    assert BHYT_PASSAGE in target.text
    _, positions = index.dense.search(make_embedder().embed_query(BHYT_PASSAGE), 1)
    assert index.chunks[int(positions[0])].chunk_id == target.chunk_id

    # The next run, with a working embedder, completes the update.
    recovered = make_ingestor(root, make_embedder()).ingest([corpus])
    assert recovered.updated == [S001, S002]
    assert load(root).manifest.documents[S002] == content_hash((corpus / S002).read_bytes())


def first_hash(source: str) -> str:
    return content_hash((CORPUS_DIR / source).read_bytes())


# ------------------------------------------------------------------ embedders and dense index type


def test_another_embedder_reembeds_everything(corpus: Path, root: Path, first: IngestReport, make_embedder) -> None:
    other = make_embedder(name="test-hashing-v2", dimension=32)
    report = make_ingestor(root, other).ingest([corpus])
    assert report.added == SOURCES and report.unchanged == []
    assert other.passages_embedded == first.chunks
    manifest = IndexStore(root).read_manifest()
    assert manifest is not None and (manifest.embedder, manifest.dimension) == ("test-hashing-v2", 32)
    with pytest.raises(IndexNotReady) as raised:
        IndexStore(root).load(expected_embedder="test-hashing")
    assert "test-hashing-v2" in str(raised.value) and "'test-hashing'" in str(raised.value)


def test_large_corpus_gets_an_hnsw_index(corpus: Path, root: Path, hashing_embedder) -> None:
    report = make_ingestor(root, hashing_embedder, flat_max_vectors=20).ingest([corpus / S002, corpus / S004])
    assert report.chunks > 20
    index = load(root)
    assert index.manifest.dense_kind == "hnsw" and index.dense.kind == "hnsw"
    for position in (0, report.chunks // 2, report.chunks - 1):
        _, positions = index.dense.search(index.vectors[position], 1)
        assert int(positions[0]) == position
    _, positions = index.dense.search(hashing_embedder.embed_query(BHYT_PASSAGE), 1)
    assert BHYT_PASSAGE in index.chunks[int(positions[0])].text


def test_unaccented_queries_score_like_accented_ones(root: Path, first: IngestReport) -> None:
    index = load(root)
    for accented in ("Ai ký công văn 307-CV/ĐU?", "Tỷ lệ bao phủ BHYT đến năm 2030", "y học cổ truyền"):
        unaccented = fold_diacritics(accented)
        np.testing.assert_array_equal(index.lexical.scores(accented), index.lexical.scores(unaccented))
