"""Chunking of the five sample documents: exact slices, bounded size, sentence boundaries, structure."""

from __future__ import annotations

import re

import pytest

from hoidap.domain import Chunk, Document, SectionNode
from hoidap.ingest.chunking import Chunker, Span, sentence_spans
from hoidap.ingest.structure import classify_heading, iter_nodes
from hoidap.vntext import strip_markdown

PREFIXES = ["000", "001", "002", "003", "004"]
SIZES = [1200, 800, 500, 400]
BLOCK_KINDS = {"header", "signature", "recipients"}
SENTENCE_END = ".;:!?…"
CLOSERS = ")”\"'*"
# A full stop, "!" or "?" after a word (not an item number like "3.") followed by a new sentence.
SENTENCE_BREAK = re.compile(r"(?<=[^\d\s][.!?])\s+(?=[A-ZĐÀ-Ỹ])")

# Paragraphs broken by a page break in the middle of a sentence: (document, text before, text after).
PAGE_BREAKS = [
    ("000", "ứng dụng công nghệ thông tin, sử dụng", "hiệu quả các nền tảng số"),
    ("001", "góp phần quan trọng", "thúc đẩy phát triển Phường"),
    ("001", "mạng lưới y tế Thủ", "đô. Phát triển các bệnh viện"),
    ("002", "Nghị quyết Đại hội đại biểu toàn", "quốc lần thứ XIV của Đảng"),
    ("003", "Nghị quyết Đại hội XIII của", "Đảng, Nghị quyết Đại hội XVI"),
    ("003", "chất lượng hoạt động của y", "tế cơ sở trong tình hình mới với vai trò"),
]


def chunk_all(documents: dict[str, Document], max_chars: int, overlap: int = 1) -> dict[str, list[Chunk]]:
    chunker = Chunker(max_chars=max_chars, overlap_sentences=overlap)
    return {prefix: chunker.chunk(documents[prefix]) for prefix in PREFIXES}


@pytest.fixture(scope="module", params=SIZES, ids=[f"max{size}" for size in SIZES])
def sized(request: pytest.FixtureRequest, corpus_documents: dict[str, Document]) -> tuple[int, dict[str, list[Chunk]]]:
    return request.param, chunk_all(corpus_documents, request.param)


@pytest.fixture(scope="module")
def default_chunks(corpus_documents: dict[str, Document]) -> dict[str, list[Chunk]]:
    return chunk_all(corpus_documents, 1200)


def section_bounds(document: Document) -> set[int]:
    """Offsets where a section starts, ends or its heading line ends."""
    assert document.sections is not None
    bounds: set[int] = set()
    for _, node in iter_nodes(document.sections):
        bounds |= {node.start, node.end, node.heading_end}
    return bounds


def ends_a_sentence(text: str) -> bool:
    text = strip_markdown(text).rstrip().rstrip(CLOSERS).rstrip()
    return not text or text[-1] in SENTENCE_END


def node_at(document: Document, path: list[str]) -> SectionNode:
    assert document.sections is not None
    node = document.sections
    for label in path:
        node = next(child for child in node.children if child.label == label)
    return node


# ------------------------------------------------------------------ exact slices, ids


def test_chunk_text_is_an_exact_slice(corpus_documents: dict[str, Document], sized) -> None:
    _, chunks = sized
    for prefix, document_chunks in chunks.items():
        document = corpus_documents[prefix]
        assert document_chunks
        for chunk in document_chunks:
            assert chunk.text == document.text[chunk.start : chunk.end]
            assert chunk.text.strip() == chunk.text, "chunks start and end on text, not blanks"
            assert chunk.doc_id == document.doc_id and chunk.source == document.source


def test_chunk_ids_are_unique_and_ordered(sized) -> None:
    _, chunks = sized
    all_ids = [chunk.chunk_id for document_chunks in chunks.values() for chunk in document_chunks]
    assert len(all_ids) == len(set(all_ids))
    for document_chunks in chunks.values():
        assert [chunk.ordinal for chunk in document_chunks] == list(range(len(document_chunks)))
        assert [chunk.start for chunk in document_chunks] == sorted(chunk.start for chunk in document_chunks)
        for chunk in document_chunks:
            assert chunk.chunk_id == f"{chunk.doc_id}:{chunk.ordinal:04d}"


def test_chunking_is_deterministic(corpus_documents: dict[str, Document], default_chunks) -> None:
    again = chunk_all(corpus_documents, 1200)
    for prefix in PREFIXES:
        assert [c.model_dump() for c in again[prefix]] == [c.model_dump() for c in default_chunks[prefix]]


def test_chunks_cover_the_whole_body(corpus_documents: dict[str, Document], sized) -> None:
    """Every sentence of the document is in some chunk; only headings of split sections (which every
    chunk below them carries in its section path) may be left out."""
    _, chunks = sized
    for prefix, document_chunks in chunks.items():
        document = corpus_documents[prefix]
        text = document.text
        covered = [False] * len(text)
        assert document.sections is not None
        for _, node in iter_nodes(document.sections):
            covered[node.start : node.heading_end] = [True] * (node.heading_end - node.start)
        for chunk in document_chunks:
            covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
        missing = "".join(ch for ch, seen in zip(text, covered, strict=True) if not seen)
        assert missing.strip() == "", f"{prefix}: {missing.strip()[:80]!r}"


# ------------------------------------------------------------------ size


@pytest.mark.parametrize("max_chars", [1200, 800])
def test_no_chunk_is_longer_than_max_chars(corpus_documents: dict[str, Document], max_chars: int) -> None:
    for prefix, document_chunks in chunk_all(corpus_documents, max_chars).items():
        for chunk in document_chunks:
            if chunk.kind not in BLOCK_KINDS:
                assert len(chunk.text) <= max_chars, (prefix, chunk.ordinal, len(chunk.text))


def test_only_a_single_sentence_may_exceed_a_small_max_chars(corpus_documents: dict[str, Document]) -> None:
    """At 400 characters some sentences are longer than a chunk: they stay whole rather than being cut."""
    long_ones = 0
    for document_chunks in chunk_all(corpus_documents, 400).values():
        for chunk in document_chunks:
            if chunk.kind in BLOCK_KINDS or len(chunk.text) <= 400:
                continue
            long_ones += 1
            body = chunk.text
            assert not SENTENCE_BREAK.search(body), body[:120]
    assert long_ones > 0  # the rule was exercised


def test_block_chunks_are_whole_blocks(default_chunks) -> None:
    for document_chunks in default_chunks.values():
        kinds = [chunk.kind for chunk in document_chunks]
        assert kinds[0] == "header"
        assert kinds[-2:] == ["recipients", "signature"]
        assert kinds.count("header") == kinds.count("recipients") == kinds.count("signature") == 1
        assert document_chunks[-2].text.startswith("Nơi nhận:")
        assert document_chunks[-1].section_path == ["Chữ ký"]
    assert default_chunks["003"][-1].text == "Đỗ Mạnh Hiến"


# ------------------------------------------------------------------ sentence boundaries


def is_sentence_boundary(text: str, position: int, bounds: set[int]) -> bool:
    """True where a chunk may start or end: after a sentence, or at a section edge that does not
    split a sentence (the text after it is not a lower-case continuation like "hiệu quả …")."""
    before, after = text[:position].rstrip(), text[position:].lstrip()
    if not before or not after or ends_a_sentence(before):
        return True
    continues = after[0].islower() and not classify_heading(after.split("\n", 1)[0])
    return len(before) in bounds and not continues


def test_no_chunk_starts_or_ends_mid_sentence(corpus_documents: dict[str, Document], sized) -> None:
    _, chunks = sized
    for prefix, document_chunks in chunks.items():
        document = corpus_documents[prefix]
        bounds = section_bounds(document)
        for chunk in document_chunks:
            where = (prefix, chunk.ordinal, chunk.text[:40], chunk.text[-40:])
            assert is_sentence_boundary(document.text, chunk.start, bounds), where
            assert is_sentence_boundary(document.text, chunk.end, bounds), where


@pytest.mark.parametrize(("prefix", "before", "after"), PAGE_BREAKS)
def test_page_break_joins_stay_in_one_chunk(
    corpus_documents: dict[str, Document], prefix: str, before: str, after: str
) -> None:
    document = corpus_documents[prefix]
    (page_break,) = re.finditer(re.escape(before) + r"\n\s*\n" + re.escape(after), document.text)
    cut = page_break.start() + len(before)
    resume = page_break.end() - len(after)
    for max_chars in SIZES:
        chunks = Chunker(max_chars=max_chars).chunk(document)
        assert any(c.start < cut and c.end > resume for c in chunks), (max_chars, before)
        assert not any(c.end == cut or c.start == resume for c in chunks), (max_chars, before)


def test_sentence_spans_split_on_sentence_ends_only() -> None:
    text = "Tỷ lệ đạt 98%. Người dân được khám ít nhất 1,5 cm.  Tăng 10%: Học sinh được kiểm tra; tư vấn tâm lý"
    spans = sentence_spans(text, Span(0, len(text)))
    pieces = [text[s.start : s.end] for s in spans]
    assert pieces == [
        "Tỷ lệ đạt 98%.",
        "Người dân được khám ít nhất 1,5 cm.",
        "Tăng 10%:",
        "Học sinh được kiểm tra; tư vấn tâm lý",
    ]


# ------------------------------------------------------------------ structure


def test_chunks_stay_inside_their_section(corpus_documents: dict[str, Document], sized) -> None:
    _, chunks = sized
    for prefix, document_chunks in chunks.items():
        document = corpus_documents[prefix]
        for chunk in document_chunks:
            node = node_at(document, chunk.section_path)
            assert node.start <= chunk.start and chunk.end <= node.end, (prefix, chunk.section_path)


def test_sections_that_fit_stay_in_one_chunk(corpus_documents: dict[str, Document], sized) -> None:
    max_chars, chunks = sized
    for prefix, document_chunks in chunks.items():
        document = corpus_documents[prefix]
        assert document.sections is not None
        for path, node in iter_nodes(document.sections):
            if node.end - node.start > max_chars:
                continue
            holders = [c for c in document_chunks if c.start <= node.start and node.end <= c.end]
            assert holders, (max_chars, prefix, path)


def test_an_item_with_its_bullets_is_one_chunk(default_chunks) -> None:
    by_path = {(c.doc_id[:3], tuple(c.section_path)): c for chunks in default_chunks.values() for c in chunks}

    xd_dang = by_path[("001", ("IV. TỔ CHỨC THỰC HIỆN", "1. Ban Xây dựng Đảng"))]
    assert xd_dang.text.startswith("1. Ban Xây dựng Đảng\n\n- Định hướng tuyên truyền")
    assert "- Nắm tình hình tư tưởng" in xd_dang.text
    assert xd_dang.text.endswith("công tác thông tin, tuyên truyền.")

    vision = by_path[("002", ("II. MỤC TIÊU", "2. Tầm nhìn đến năm 2045"))]
    assert vision.text.startswith("2. Tầm nhìn đến năm 2045\n\n- Phần đầu đến năm 2045")
    assert vision.text.endswith("số năm sống khỏe mạnh đạt trên 71 năm.")

    bhyt = by_path[("002", ("II. MỤC TIÊU", "1. Mục tiêu đến năm 2030", "e)"))]
    assert "độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên" in bhyt.text

    oral = by_path[("001", ("III. HÌNH THỨC TUYÊN TRUYỀN, QUẢN TRIỆT", "2. Hình thức tuyên truyền", "2.2. Tuyên truyền miệng"))]
    assert oral.text.startswith("2.2. Tuyên truyền miệng\n\nCác cơ quan, đơn vị tổ chức hội nghị")

    # 004 has no parts: its items are top-level sections.
    propaganda = by_path[("004", ("3. Ban Tuyên giáo Đảng ủy phường",))]
    assert "trang Zalo phường" in propaganda.text


def test_a_long_item_is_split_into_pieces_with_the_same_path(default_chunks) -> None:
    pieces = [c for c in default_chunks["004"] if c.section_path == ["2. UBND phường"]]
    assert len(pieces) == 2
    assert pieces[0].text.startswith("2. UBND phường\n\n- Triển khai")
    assert pieces[1].text.startswith("- Kiện toàn tổ chức bộ máy y tế trường học")
    assert pieces[0].end < pieces[1].start  # split between bullets: no overlap needed


# ------------------------------------------------------------------ overlap


def test_overlap_between_split_pieces_is_at_most_one_sentence(corpus_documents: dict[str, Document]) -> None:
    overlaps = 0
    for max_chars in (800, 500, 400):
        for prefix, document_chunks in chunk_all(corpus_documents, max_chars).items():
            text = corpus_documents[prefix].text
            for a, b in zip(document_chunks, document_chunks[1:], strict=False):
                if b.start >= a.end:
                    continue
                overlaps += 1
                shared = text[b.start : a.end]
                assert a.section_path == b.section_path
                assert a.start < b.start and a.end < b.end, "each piece moves forward"
                assert len(sentence_spans(text, Span(b.start, a.end))) == 1, shared
                assert not SENTENCE_BREAK.search(shared), shared
                assert ends_a_sentence(shared)
    assert overlaps > 0  # the rule was exercised


def test_no_overlap_when_disabled(corpus_documents: dict[str, Document]) -> None:
    for document_chunks in chunk_all(corpus_documents, 500, overlap=0).values():
        for a, b in zip(document_chunks, document_chunks[1:], strict=False):
            assert b.start >= a.end


# ------------------------------------------------------------------ search text


def test_search_text_carries_document_and_section(default_chunks) -> None:
    bhyt = next(c for c in default_chunks["002"] if c.section_path[-1:] == ["e)"])
    # The path gives context; "e)" itself is already the first word of the body.
    assert "II. MỤC TIÊU › 1. Mục tiêu đến năm 2030\n" in bhyt.search_text
    assert strip_markdown(bhyt.text) in bhyt.search_text
    assert "Kế hoạch" in bhyt.search_text.split("\n")[0]
    for document_chunks in default_chunks.values():
        for chunk in document_chunks:
            assert "**" not in chunk.search_text


@pytest.mark.parametrize(
    ("prefix", "signer"),
    [("000", "Nguyễn Thị Ước"), ("001", "Nguyễn Xuân Hiền"), ("002", "Trần Huy Kiên"), ("003", "Đỗ Mạnh Hiến")],
)
def test_signature_chunk_names_the_signer(default_chunks, prefix: str, signer: str) -> None:
    signature = default_chunks[prefix][-1]
    assert signature.kind == "signature"
    assert signature.search_text.startswith("Người ký văn bản, chữ ký: ")
    assert signer in signature.search_text


def test_header_chunk_spells_out_a_blank_number(default_chunks) -> None:
    assert "Số hiệu văn bản: không ghi số." in default_chunks["000"][0].search_text
    assert "Số hiệu văn bản: 307-CV/ĐU." in default_chunks["004"][0].search_text


def test_chunker_needs_parsed_sections(corpus_documents: dict[str, Document]) -> None:
    unparsed = corpus_documents["000"].model_copy(update={"sections": None})
    with pytest.raises(ValueError, match="no parsed sections"):
        Chunker().chunk(unparsed)
