"""The section tree of the five sample documents, and heading classification on edge cases."""

from __future__ import annotations

import pytest

from hoidap.domain import Document, SectionNode
from hoidap.ingest.structure import (
    HEADER_LABEL,
    PREAMBLE_LABEL,
    RECIPIENTS_LABEL,
    SIGNATURE_LABEL,
    classify_heading,
    heading_label,
    iter_nodes,
    parse_sections,
)
from hoidap.vntext import strip_markdown


def tree(document: Document) -> SectionNode:
    assert document.sections is not None
    return document.sections


def node_text(document: Document, node: SectionNode) -> str:
    return document.text[node.start : node.end]


def path_of(document: Document, passage: str) -> list[str]:
    """Section path of the deepest node containing ``passage`` (it must occur once)."""
    start = document.text.index(passage)
    assert document.text.count(passage) == 1, passage
    end = start + len(passage)
    best: tuple[str, ...] = ()
    for path, node in iter_nodes(tree(document)):
        if node.start <= start and end <= node.end and len(path) >= len(best):
            best = path
    return list(best)


def labels(node: SectionNode) -> list[str]:
    return [child.label for child in node.children]


def find(document: Document, *path: str) -> SectionNode:
    node = tree(document)
    for label in path:
        matches = [child for child in node.children if child.label == label]
        assert matches, f"{label!r} not in {labels(node)}"
        node = matches[0]
    return node


# ------------------------------------------------------------------ every document


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_document_has_header_preamble_recipients_and_signature(
    corpus_documents: dict[str, Document], prefix: str
) -> None:
    document = corpus_documents[prefix]
    top = labels(tree(document))
    assert top[:2] == [HEADER_LABEL, PREAMBLE_LABEL]
    assert top[-2:] == [RECIPIENTS_LABEL, SIGNATURE_LABEL]
    recipients = find(document, RECIPIENTS_LABEL)
    assert node_text(document, recipients).startswith("Nơi nhận:")
    assert node_text(document, find(document, PREAMBLE_LABEL)).startswith("Thực hiện")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_spans_are_nested_ordered_and_trimmed(corpus_documents: dict[str, Document], prefix: str) -> None:
    document = corpus_documents[prefix]
    text = document.text

    def check(node: SectionNode) -> None:
        previous_end = node.start if node.kind != "root" else 0
        for child in node.children:
            assert node.start <= child.start < child.end <= node.end
            assert child.start >= previous_end, "siblings overlap"
            assert child.start <= child.heading_end <= child.end
            assert not text[child.start].isspace() and not text[child.end - 1].isspace()
            previous_end = child.end
            check(child)

    check(tree(document))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_heading_line_starts_a_node(corpus_documents: dict[str, Document], prefix: str) -> None:
    """No numbered, lettered or Roman heading in the body is swallowed as plain text."""
    document = corpus_documents[prefix]
    starts = {node.start for _, node in iter_nodes(tree(document))}
    body = find(document, PREAMBLE_LABEL).end, find(document, RECIPIENTS_LABEL).start
    offset = 0
    for line in document.text.split("\n"):
        if body[0] <= offset < body[1] and classify_heading(line):
            assert offset + len(line) - len(line.lstrip()) in starts, line
        offset += len(line) + 1


# ------------------------------------------------------------------ known items


def test_002_bhyt_target_is_item_e_of_the_2030_goals(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["002"]
    path = path_of(document, "độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên")
    assert path == ["II. MỤC TIÊU", "1. Mục tiêu đến năm 2030", "e)"]
    assert labels(find(document, "II. MỤC TIÊU", "1. Mục tiêu đến năm 2030")) == ["a)", "b)", "c)", "d)", "e)"]
    e = find(document, "II. MỤC TIÊU", "1. Mục tiêu đến năm 2030", "e)")
    assert e.kind == "letter"
    assert node_text(document, e).startswith("e) Đến năm 2030")
    assert node_text(document, e).endswith("theo đúng quy định.")


def test_002_parts_and_items(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["002"]
    parts = [n.label for n in tree(document).children if n.kind == "part"]
    assert parts == ["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "IV. TỔ CHỨC THỰC HIỆN"]
    tasks = find(document, "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU")
    assert [child.label.split(".")[0] for child in tasks.children] == ["1", "2", "3", "4", "5", "6"]
    # Bullets are content, not sections: the "Phân công thực hiện" lines stay inside their item.
    assert path_of(document, "Giao UBND phường chủ trì tổ chức thực hiện") == [
        "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU",
        "1. Đổi mới nhận thức, tăng cường lãnh đạo, chỉ đạo và tổ …",
    ]
    assert path_of(document, "Chỉ thị số 25/CT-TTg ngày 15/9/2025")[0] == "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU"
    assert path_of(document, "tuổi thọ trung bình đạt trên 80 tuổi") == ["II. MỤC TIÊU", "2. Tầm nhìn đến năm 2045"]


def test_001_has_parts_i_to_iv_and_subitems_under_forms(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["001"]
    parts = [n.label for n in tree(document).children if n.kind == "part"]
    assert parts == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG TUYÊN TRUYỀN",
        "III. HÌNH THỨC TUYÊN TRUYỀN, QUẢN TRIỆT",
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    forms = find(document, "III. HÌNH THỨC TUYÊN TRUYỀN, QUẢN TRIỆT", "2. Hình thức tuyên truyền")
    assert labels(forms) == [
        "2.1 Tổ chức tuyên truyền trên các phương tiện thông tin đại chúng",
        "2.2. Tuyên truyền miệng",
        "2.3 Tổ chức hội nghị, hội thảo, tọa đàm",
    ]
    assert all(child.kind == "subitem" for child in forms.children)
    assert path_of(document, "Đội ngũ báo cáo viên, tuyên truyền viên phường") == [
        "III. HÌNH THỨC TUYÊN TRUYỀN, QUẢN TRIỆT",
        "2. Hình thức tuyên truyền",
        "2.2. Tuyên truyền miệng",
    ]


def test_001_items_keep_their_numbers_even_when_one_is_skipped(corpus_documents: dict[str, Document]) -> None:
    # Part IV of 001 goes 1, 2, 4, 5 (there is no item 3 in the source).
    document = corpus_documents["001"]
    items = labels(find(document, "IV. TỔ CHỨC THỰC HIỆN"))
    assert [label.split(".")[0] for label in items] == ["1", "2", "4", "5"]
    assert path_of(document, "Chỉ đạo Trạm Y tế phường và các bộ phận chuyên môn") == [
        "IV. TỔ CHỨC THỰC HIỆN",
        "2. Ủy ban nhân dân phường",
    ]
    # The "(1) … (6)" list is content of item II.2, not six sections.
    assert path_of(document, "(4) Đẩy mạnh cải cách hành chính y tế") == [
        "II. NỘI DUNG TUYÊN TRUYỀN",
        "2. Tuyên truyền, quán triệt sâu sắc 05 quan điểm chỉ đạo …",
    ]


def test_003_subitems_of_the_key_tasks(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["003"]
    part = "II. NHIỆM VỤ TRỌNG TÂM, THỜI GIAN, HÌNH THỨC THỰC HIỆN"
    tasks = find(document, part, "1. Nhiệm vụ trọng tâm")
    assert [child.label.split(" ")[0] for child in tasks.children] == ["1.1.", "1.2.", "1.3.", "1.4."]
    assert all(child.kind == "subitem" for child in tasks.children)
    timing = find(document, part, "2. Thời gian, hình thức")
    assert [child.label.split(" ")[0] for child in timing.children] == ["2.1.", "2.2.", "2.3.", "2.4."]
    assert path_of(document, "giảm tải cho bệnh viện tuyến trên")[:2] == [part, "1. Nhiệm vụ trọng tâm"]
    assert path_of(document, "giảm tải cho bệnh viện tuyến trên")[2].startswith("1.3. Tăng cường công tác tuyên truyền")
    # Part I has bullets only: no child sections.
    assert find(document, "I. MỤC ĐÍCH, YÊU CẦU").children == []


@pytest.mark.parametrize(
    ("prefix", "items"),
    [
        ("000", ["1", "2", "3", "4"]),
        ("004", ["1", "2", "3"]),
    ],
)
def test_documents_without_parts_have_top_level_items(
    corpus_documents: dict[str, Document], prefix: str, items: list[str]
) -> None:
    document = corpus_documents[prefix]
    kinds = [child.kind for child in tree(document).children]
    assert "part" not in kinds
    top_items = [child for child in tree(document).children if child.kind == "item"]
    assert [child.label.split(".")[0] for child in top_items] == items


def test_004_item_paths(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["004"]
    assert path_of(document, "tỉ lệ tham gia bảo hiểm y tế đạt 98% dân số") == ["2. UBND phường"]
    assert path_of(document, "trang Zalo phường") == ["3. Ban Tuyên giáo Đảng ủy phường"]


def test_000_item_paths(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["000"]
    path = path_of(document, "hiệu quả các nền tảng số, mạng xã hội")  # after the page break in item 3
    assert len(path) == 1 and path[0].startswith("3. Đa dạng hóa hình thức tuyên truyền")


# ------------------------------------------------------------------ header, recipients, signature


@pytest.mark.parametrize(
    ("prefix", "header_has", "signature"),
    [
        ("000", ["Số -CV/BXDD", "V/v tuyên truyền các Nghị quyết", "Kính gửi"], "TRƯỞNG BAN"),
        ("001", ["Số - KH/ĐU", "KẾ HOẠCH", "Phúc Lợi, ngày tháng 02 năm 2026"], "**T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ THƯỜNG TRỰC**"),
        ("002", ["KẾ HOẠCH", "CỦA BAN THƯỜNG VỤ ĐẢNG ỦY"], "**T/M BAN THƯỜNG VỤ\nBÍ THƯ**"),
        ("003", ["KẾ HOẠCH", "Chỉ thị số 25-CT/TW, ngày 25/10/2023"], "Đỗ Mạnh Hiến"),
        ("004", ["P. Nguyễn Nghiêm, ngày 03 tháng 6 năm 2024", "Số 307-CV/ĐU", "Kính gửi"], "**T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ**"),
    ],
)
def test_header_and_signature_blocks(
    corpus_documents: dict[str, Document], prefix: str, header_has: list[str], signature: str
) -> None:
    document = corpus_documents[prefix]
    header = node_text(document, find(document, HEADER_LABEL))
    for fragment in header_has:
        assert fragment in header
    assert "Thực hiện" not in header  # the preamble is not part of the header
    assert node_text(document, find(document, SIGNATURE_LABEL)).startswith(signature)


@pytest.mark.parametrize(
    ("prefix", "name"),
    [
        ("000", "Nguyễn Thị Ước"),
        ("001", "Nguyễn Xuân Hiền"),
        ("002", "Trần Huy Kiên"),
        ("003", "Đỗ Mạnh Hiến"),
        ("004", "Nguyễn Thị Thuý Tình"),
    ],
)
def test_signature_block_ends_with_the_signer(corpus_documents: dict[str, Document], prefix: str, name: str) -> None:
    document = corpus_documents[prefix]
    signature = find(document, SIGNATURE_LABEL)
    assert node_text(document, signature).endswith(name)
    assert signature.end == len(document.text.rstrip())


def test_003_signature_is_just_the_name(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["003"]
    assert node_text(document, find(document, SIGNATURE_LABEL)) == "Đỗ Mạnh Hiến"


@pytest.mark.parametrize(
    ("prefix", "first", "last"),
    [
        ("000", "- Thường trực Đảng ủy (để b/c),", "- Lưu Ban Xây dựng Đảng."),
        ("001", "- Ban TG và DV Thành ủy, (để báo cáo)", "- Lưu."),
        ("002", "- Thường trực Thành ủy (để báo cáo),", "- Lưu VPĐU."),
        ("003", "- Ban Tuyên giáo Trung ương (để báo cáo),", "- Lưu Văn phòng Thành ủy."),
        ("004", "- Như trên,", "- Lưu VP phường."),
    ],
)
def test_recipients_block_holds_the_whole_list(
    corpus_documents: dict[str, Document], prefix: str, first: str, last: str
) -> None:
    document = corpus_documents[prefix]
    lines = [line for line in node_text(document, find(document, RECIPIENTS_LABEL)).split("\n") if line.strip()]
    assert lines[0] == "Nơi nhận:"
    assert lines[1] == first
    assert lines[-1] == last
    assert all(line.startswith("- ") for line in lines[1:])


# ------------------------------------------------------------------ classify_heading and labels


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("II. MỤC TIÊU", ("part", 1)),
        ("**IV. TỔ CHỨC THỰC HIỆN**", ("part", 1)),
        ("1. Mục đích", ("item", 2)),
        ("1.1. Tổ chức quán triệt", ("subitem", 3)),
        ("2.1 Tổ chức tuyên truyền trên các phương tiện thông tin đại chúng", ("subitem", 3)),
        ("e) Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên", ("letter", 4)),
        ("đ) Mục đ", ("letter", 4)),
    ],
)
def test_classify_heading(line: str, expected: tuple[str, int]) -> None:
    assert classify_heading(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "2030, tỷ lệ bao phủ bảo hiểm y tế đạt 98%",
        "V/v tuyên truyền các Nghị quyết",
        "*V/v tuyên truyền các Nghị quyết",
        "Đồ Sơn, ngày tháng 01 năm 2026",
        "P. Nguyễn Nghiêm, ngày 03 tháng 6 năm 2024",
        "X. Tân Dân, ngày 15 tháng 3 năm 2025",  # X. = xã, not part ten
        "25/10/2023 của Ban Bí thư",
        "1.000 người dân được khám sức khỏe miễn phí",
        "5 năm, 10 năm của thành phố",
        "(1) Đổi mới mạnh mẽ tư duy",
        "- Thường trực Đảng ủy,",
        "Số 307-CV/ĐU",
        "Lưu VP phường.",
        "Nơi nhận:",
        "",
    ],
)
def test_not_a_heading(line: str) -> None:
    assert classify_heading(line) is None


def test_heading_labels() -> None:
    assert heading_label("**II. MỤC TIÊU**", "part") == "II. MỤC TIÊU"
    assert heading_label("e) Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên", "letter") == "e)"
    long_item = (
        "1. Tuyên truyền sâu rộng, có trọng tâm, trọng điểm những nội dung cốt lõi của 07 nghị quyết "
        "thuộc lĩnh vực y tế được Hội đồng nhân dân thành phố thông qua"
    )
    label = heading_label(long_item, "item")
    assert label.endswith(" …") and len(label) <= 62
    assert long_item.startswith(label.removesuffix(" …"))


# ------------------------------------------------------------------ synthetic documents


def test_commune_document_with_x_date_line_keeps_its_header() -> None:
    text = (
        "ĐẢNG ỦY XÃ TÂN DÂN\n\nX. Tân Dân, ngày 15 tháng 3 năm 2025\n\nSố 12-CV/ĐU\n\n"
        "Kính gửi: Các chi bộ trực thuộc.\n\n"
        "Thực hiện Chỉ thị số 25-CT/TW của Ban Bí thư về y tế cơ sở, Đảng ủy xã Tân Dân yêu cầu như sau:\n\n"
        "1. Các chi bộ\n\nTuyên truyền sâu rộng trong đảng viên.\n\n"
        "Nơi nhận:\n\n- Như trên,\n- Lưu.\n\nBÍ THƯ\n\nNguyễn Văn An"
    )
    root = parse_sections(text)
    assert [child.label for child in root.children] == [
        HEADER_LABEL,
        PREAMBLE_LABEL,
        "1. Các chi bộ",
        RECIPIENTS_LABEL,
        SIGNATURE_LABEL,
    ]
    header = root.children[0]
    assert "Số 12-CV/ĐU" in text[header.start : header.end]


def test_nested_levels_close_correctly() -> None:
    text = (
        "KẾ HOẠCH\n\nThực hiện Nghị quyết số 72-NQ/TW của Bộ Chính trị, Ban Thường vụ ban hành kế hoạch như sau:\n\n"
        "I. MỤC TIÊU\n\n1. Mục tiêu chung\n\na) Thứ nhất.\n\nb) Thứ hai.\n\n2. Mục tiêu cụ thể\n\n"
        "2.1. Năm 2026\n\n- Một.\n\n2.2. Năm 2030\n\n- Hai.\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Các chi bộ\n\nThực hiện.\n\nNơi nhận:\n\n- Lưu.\n\nBÍ THƯ\n\nTrần Văn B"
    )
    root = parse_sections(text)
    paths = [list(path) for path, _ in iter_nodes(root)]
    assert ["I. MỤC TIÊU", "1. Mục tiêu chung", "b) Thứ hai."] in paths
    assert ["I. MỤC TIÊU", "2. Mục tiêu cụ thể", "2.2. Năm 2030"] in paths
    assert ["II. TỔ CHỨC THỰC HIỆN", "1. Các chi bộ"] in paths
    two_two = dict((tuple(p), n) for p, n in iter_nodes(root))[("I. MỤC TIÊU", "2. Mục tiêu cụ thể", "2.2. Năm 2030")]
    assert strip_markdown(text[two_two.start : two_two.end]) == "2.2. Năm 2030\n\n- Hai."
