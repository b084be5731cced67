"""BM25 over folded syllables, typo correction, accent restoration and document identities, on the sample corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hoidap.domain import Chunk, Document
from hoidap.index.accents import AccentRestorer, _person_titles
from hoidap.index.identity import DocumentIdentities
from hoidap.index.lexical import LexicalIndex
from hoidap.ingest.chunking import Chunker
from hoidap.vntext import fold_diacritics


def folded(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


@pytest.fixture(scope="module")
def chunks(corpus_documents: dict[str, Document]) -> list[Chunk]:
    chunker = Chunker()
    return [chunk for prefix in sorted(corpus_documents) for chunk in chunker.chunk(corpus_documents[prefix])]


@pytest.fixture(scope="module")
def lexical(chunks: list[Chunk]) -> LexicalIndex:
    return LexicalIndex.build([chunk.search_text for chunk in chunks])


@pytest.fixture(scope="module")
def restorer(chunks: list[Chunk]) -> AccentRestorer:
    return AccentRestorer.build(chunk.search_text for chunk in chunks)


@pytest.fixture(scope="module")
def identities(corpus_documents: dict[str, Document]) -> DocumentIdentities:
    return DocumentIdentities({document.doc_id: document for document in corpus_documents.values()})


def top(lexical: LexicalIndex, chunks: list[Chunk], query: str, k: int = 5) -> list[Chunk]:
    scores = lexical.scores(query)
    order = np.argsort(-scores, kind="stable")[:k]
    return [chunks[int(i)] for i in order if scores[int(i)] > 0]


# ------------------------------------------------------------------ BM25


def test_unaccented_query_finds_y_te_co_so(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    hits = top(lexical, chunks, "y te co so")
    assert len(hits) == 5
    for hit in hits:
        assert "y te co so" in folded(hit.text), hit.text[:80]
    np.testing.assert_array_equal(lexical.scores("y te co so"), lexical.scores("y tế cơ sở"))


def test_one_letter_syllable_y_counts(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    assert lexical.document_frequencies["y"] > 0
    assert lexical.document_frequencies["y_te"] > 0
    assert "y hoc co truyen" in folded(top(lexical, chunks, "y hoc co truyen", 1)[0].text)


def test_bm25_ranks_the_passage_with_the_figure_first(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    (best,) = top(lexical, chunks, "den nam 2030 do bao phu bao hiem y te toan dan dat bao nhieu", 1)
    assert "độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên" in best.text
    (vaccines,) = top(lexical, chunks, "tiem chung mo rong dat tren 95%", 1)
    assert "Tỷ lệ tiêm chủng các vắc-xin trong Chương trình Tiêm chủng mở rộng đạt trên 95%" in vaccines.text


def test_abbreviated_reference_finds_the_full_number(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    for hit in top(lexical, chunks, "NQ 72", 3):
        assert "72-NQ/TW" in hit.text
    assert top(lexical, chunks, "nq72", 3) == top(lexical, chunks, "NQ 72", 3)
    for hit in top(lexical, chunks, "CTr 03", 2):
        assert "03-CTr/TU" in hit.text


def test_bhyt_finds_bao_hiem_y_te(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    for hit in top(lexical, chunks, "tham gia BHYT", 3):
        assert "bảo hiểm y tế" in hit.text


def test_typo_is_corrected_to_a_known_syllable(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    assert lexical.correct_terms(["hiemm", "bao", "2030", "y", "hiem_y", "phuoong"]) == [
        "hiem",
        "bao",
        "2030",
        "y",
        "hiem_y",
        "phuong",
    ]
    assert "hiem" in lexical.query_terms("bao hiemm")
    hits = top(lexical, chunks, "bao hiemm", 3)
    assert hits and all("bảo hiểm" in hit.text for hit in hits)
    assert "bảo hiểm y tế" in top(lexical, chunks, "bao hiemm y te", 1)[0].text


def test_typos_in_the_source_are_tolerated(lexical: LexicalIndex, chunks: list[Chunk]) -> None:
    # 002 writes "Phần đầu" for "Phấn đấu", 001 "Khỏe định" for "Khẳng định": folding makes the first
    # identical, the surrounding words carry the second.
    (vision,) = top(lexical, chunks, "Phấn đấu đến năm 2045 có hệ thống y tế hiện đại", 1)
    assert "Phần đầu đến năm 2045, có hệ thống y tế hiện đại" in vision.text
    (health,) = top(lexical, chunks, "khẳng định sức khỏe là vốn quý nhất của con người", 1)
    assert "Khỏe định sức khỏe là vốn quý nhất" in health.text


def test_unknown_words_score_nothing(lexical: LexicalIndex) -> None:
    assert not lexical.scores("xyzzy qwrtp").any()
    assert lexical.idf("xyzzy") > lexical.idf("y_te") > 0


def test_lexical_index_round_trips(tmp_path: Path, lexical: LexicalIndex) -> None:
    lexical.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.size == lexical.size
    assert loaded.document_frequencies == lexical.document_frequencies
    for query in ("y te co so", "bao hiemm", "Ai ký công văn 307-CV/ĐU?"):
        np.testing.assert_allclose(loaded.scores(query), lexical.scores(query), rtol=1e-6)


# ------------------------------------------------------------------ accent restoration


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("den nam 2030 ty le bao phu", "đến năm 2030 tỷ lệ bao phủ"),
        ("bao hiem y te", "bảo hiểm y tế"),
        ("y hoc co truyen", "y học cổ truyền"),
        ("ai ky cong van", "ai ký công văn"),
        ("tram y te phuong", "trạm y tế phường"),
        ("nguoi cao tuoi", "người cao tuổi"),
        ("Den nam 2030 ty le bao phu BHYT dat bao nhieu", "đến năm 2030 tỷ lệ bao phủ bhyt đạt bao nhiêu"),
        # Question frames come from hoidap/data/question_phrases.txt, not from the documents.
        ("nguoi cao tuoi duoc kham mien phi, dung hay sai", "người cao tuổi được khám miễn phí đúng hay sai"),
    ],
)
def test_accent_restoration(restorer: AccentRestorer, typed: str, restored: str) -> None:
    assert restorer.restore(typed) == restored


def test_a_title_before_a_capitalised_name_is_a_person_title() -> None:
    # A corpus where "anh" is nearly always "ảnh" (images) and "chi" is "chỉ".
    restorer = AccentRestorer.build(["hình ảnh của cơ sở", "ảnh chụp", "chỉ được sử dụng", "chỉ có"])
    assert restorer.restore("Anh C chi duoc su dung hinh anh") == "anh c chỉ được sử dụng hình ảnh"
    assert restorer.restore("chi E co") == "chị e có"
    assert _person_titles(["chi", "UBND", "co"]) == []  # a code, not a name
    assert _person_titles(["Ho", "Chi", "Minh"]) == []  # part of a name


def test_restored_in_place_keeps_case_punctuation_and_codes() -> None:
    restorer = AccentRestorer.build(["luật tố tụng hành chính", "chỉ được sử dụng", "ủy ban nhân dân"])
    assert (
        restorer.restore_in_place("Luat To tung hanh chinh duoc su dung, UBND 72-NQ/TW?")
        == "Luật Tố tụng hành chính được sử dụng, UBND 72-NQ/TW?"
    )
    assert restorer.restore_in_place("") == ""


def test_context_does_not_cross_a_punctuation_mark() -> None:
    # After "trọng" the corpus has "tài"; "tải" is what precedes "đúng" in it. Across the comma
    # "dung" says nothing about "tai".
    corpus = ["trọng tài viên"] * 30 + ["trọng tải đúng quy định"] * 2 + ["về trọng tài"] * 5
    restorer = AccentRestorer.build(corpus)
    assert restorer.restore("ve trong tai, dung") == "về trọng tài đúng"


def test_words_the_corpus_never_uses_stay_as_typed(restorer: AccentRestorer) -> None:
    assert restorer.restore("zzz qwx") == "zzz qwx"
    assert restorer.coverage("zzz qwx") == 0.0
    assert restorer.coverage("den nam 2030") == 1.0
    assert restorer.restore("") == ""


def test_accent_restorer_round_trips(tmp_path: Path, restorer: AccentRestorer) -> None:
    restorer.save(tmp_path / "accents.json")
    loaded = AccentRestorer.load(tmp_path / "accents.json")
    assert loaded.restore("den nam 2030 ty le bao phu") == "đến năm 2030 tỷ lệ bao phủ"


# ------------------------------------------------------------------ document identities


@pytest.mark.parametrize(
    ("question", "prefixes"),
    [
        ("Kế hoạch của phường Phúc Lợi nói gì về y tế?", {"001"}),
        ("phuong phuc loi", {"001"}),
        ("CTr 03", {"002"}),
        ("chuong trinh 3 cua thanh uy", {"002"}),
        ("Chương trình hành động số 06-CTr/TU", {"001"}),
        ("phường Đồ Sơn tuyên truyền những gì", {"000"}),
        ("Nguyễn Nghiêm", {"004"}),
        ("phường Bạch Đằng", {"002"}),
        ("công văn 307", {"004"}),
        ("NQ 72", {"001", "002"}),
    ],
)
def test_matching_documents(
    identities: DocumentIdentities, corpus_documents: dict[str, Document], question: str, prefixes: set[str]
) -> None:
    expected = {corpus_documents[prefix].doc_id for prefix in prefixes}
    assert identities.matching_documents(question) == expected


@pytest.mark.parametrize("question", ["BHYT", "y tế cơ sở", "2030", "", "Giá vé xe buýt Hà Đông"])
def test_questions_naming_no_document_match_none(identities: DocumentIdentities, question: str) -> None:
    assert identities.matching_documents(question) == set()
