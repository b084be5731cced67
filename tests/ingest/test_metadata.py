"""Rule-based metadata extraction on the five sample documents and on small synthetic headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.domain import DocumentMetadata, DocumentReference
from hoidap.ingest.metadata import extract_metadata

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def _metadata(prefix: str) -> DocumentMetadata:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return extract_metadata(path.read_text(encoding="utf-8"))


def _reference(metadata: DocumentMetadata, number: str) -> DocumentReference:
    matches = [ref for ref in metadata.references if ref.number == number]
    assert matches, f"{number} not in {[ref.number for ref in metadata.references]}"
    return matches[0]


@pytest.fixture(scope="module")
def doc000() -> DocumentMetadata:
    return _metadata("000")


@pytest.fixture(scope="module")
def doc001() -> DocumentMetadata:
    return _metadata("001")


@pytest.fixture(scope="module")
def doc002() -> DocumentMetadata:
    return _metadata("002")


@pytest.fixture(scope="module")
def doc003() -> DocumentMetadata:
    return _metadata("003")


@pytest.fixture(scope="module")
def doc004() -> DocumentMetadata:
    return _metadata("004")


# --- 000: Công văn of the Ban Xây dựng Đảng, blank number, day left blank ---------------------


def test_000_header(doc000: DocumentMetadata) -> None:
    assert doc000.doc_type == "Công văn"
    assert doc000.number is None
    assert doc000.number_raw == "Số -CV/BXDD"
    assert doc000.place == "Đồ Sơn"
    assert (doc000.date, doc000.date_precision) == ("2026-01", "month")
    assert doc000.date_text == "Đồ Sơn, ngày tháng 01 năm 2026"
    assert doc000.issuer == "Ban Xây dựng Đảng, Đảng ủy phường Đồ Sơn"
    assert doc000.title == "V/v tuyên truyền các Nghị quyết của HĐND Thành phố thuộc lĩnh vực Y tế"


def test_000_recipients_and_cc(doc000: DocumentMetadata) -> None:
    assert doc000.recipients[0] == "Các đảng bộ, chi bộ cơ sở, chi bộ trực thuộc Đảng ủy"
    assert doc000.recipients[-1] == "Trung tâm Dịch vụ sự nghiệp công phường"
    assert len(doc000.recipients) == 4
    assert doc000.cc == [
        "Thường trực Đảng ủy (để b/c)",
        "Thường trực HĐND (phối hợp)",
        "Như trên",
        "Lưu Ban Xây dựng Đảng",
    ]


def test_000_signer_despite_qr_line(doc000: DocumentMetadata) -> None:
    assert doc000.signer_name == "Nguyễn Thị Ước"
    assert doc000.signer_position == "TRƯỞNG BAN"
    assert doc000.signer_authority is None


def test_000_references(doc000: DocumentMetadata) -> None:
    ref = _reference(doc000, "318-CV/BTGDVTU")
    assert (ref.kind, ref.date, ref.text) == ("Công văn", "2025-12-30", "Công văn số 318-CV/BTGDVTU")


# --- 001: Kế hoạch with a blank number "Số - KH/ĐU" -----------------------------------------------


def test_001_header(doc001: DocumentMetadata) -> None:
    assert doc001.doc_type == "Kế hoạch"
    assert doc001.number is None
    assert doc001.number_raw == "Số - KH/ĐU"
    assert doc001.place == "Phúc Lợi"
    assert (doc001.date, doc001.date_precision) == ("2026-02", "month")
    assert doc001.issuer == "Ban Thường vụ Đảng ủy phường"
    assert doc001.title is not None
    assert doc001.title.startswith("Kế hoạch tuyên truyền triển khai thực hiện Nghị quyết số 72-NQ/TW")
    assert doc001.title.endswith("của Ban Thường vụ Thành ủy")
    assert "\n" not in doc001.title


def test_001_recipients_and_cc(doc001: DocumentMetadata) -> None:
    assert doc001.recipients == []
    assert "Thường trực Đảng ủy" in doc001.cc
    assert "UBND phường" in doc001.cc
    assert doc001.cc[-1] == "Lưu"


def test_001_signer(doc001: DocumentMetadata) -> None:
    assert doc001.signer_name == "Nguyễn Xuân Hiền"
    assert doc001.signer_position == "PHÓ BÍ THƯ THƯỜNG TRỰC"
    assert doc001.signer_authority == "T/M BAN THƯỜNG VỤ"


def test_001_references(doc001: DocumentMetadata) -> None:
    numbers = [ref.number for ref in doc001.references]
    assert numbers[:2] == ["72-NQ/TW", "06-CTr/TU"]
    assert len(numbers) == len(set(numbers))
    assert _reference(doc001, "72-NQ/TW").model_dump() == {
        "kind": "Nghị quyết",
        "number": "72-NQ/TW",
        "date": "2025-09-09",
        "text": "Nghị quyết số 72-NQ/TW",
    }
    ctr = _reference(doc001, "06-CTr/TU")
    assert (ctr.kind, ctr.date) == ("Chương trình hành động", "2026-01-12")
    plan = _reference(doc001, "30-KH/BTGDVTU")
    assert (plan.kind, plan.date) == ("Kế hoạch", "2026-02-07")
    government = _reference(doc001, "282/NQ-CP")
    assert (government.kind, government.date) == ("Nghị quyết", "2025-09-15")


# --- 002: Kế hoạch with no number and no date -----------------------------------------------------


def test_002_header(doc002: DocumentMetadata) -> None:
    assert doc002.doc_type == "Kế hoạch"
    assert doc002.number is None and doc002.number_raw is None
    assert doc002.place is None
    assert doc002.date is None and doc002.date_precision is None and doc002.date_text is None
    assert doc002.issuer == "Ban Thường vụ Đảng ủy phường"
    assert doc002.title is not None
    assert doc002.title.startswith("Kế hoạch của Ban Thường vụ Đảng ủy thực hiện Nghị quyết số 72-NQ/TW")


def test_002_signer_and_cc(doc002: DocumentMetadata) -> None:
    assert doc002.signer_name == "Trần Huy Kiên"
    assert doc002.signer_position == "BÍ THƯ"
    assert doc002.signer_authority == "T/M BAN THƯỜNG VỤ"
    assert doc002.cc[0] == "Thường trực Thành ủy (để báo cáo)"
    assert "Các chi bộ, đảng bộ trực thuộc" in doc002.cc
    assert doc002.recipients == []


def test_002_references(doc002: DocumentMetadata) -> None:
    assert _reference(doc002, "03-CTr/TU").date == "2025-10-30"
    directive = _reference(doc002, "25/CT-TTg")
    assert (directive.kind, directive.date, directive.text) == (
        "Chỉ thị",
        "2025-09-15",
        "Chỉ thị số 25/CT-TTg",
    )
    conclusion = _reference(doc002, "86-KL/TW")
    assert (conclusion.kind, conclusion.date) == ("Kết luận", "2024-07-10")
    assert _reference(doc002, "68-NQ/TW").date == "2025-05-04"


# --- 003: Kế hoạch of the Thành ủy, signature without position ----------------------------------


def test_003_header(doc003: DocumentMetadata) -> None:
    assert doc003.doc_type == "Kế hoạch"
    assert doc003.number is None and doc003.number_raw is None
    assert doc003.date is None and doc003.place is None
    assert doc003.issuer == "Ban Thường vụ Thành ủy"
    assert doc003.title is not None
    assert doc003.title.startswith("Kế hoạch quán triệt, học tập, tuyên truyền Chỉ thị số 25-CT/TW")
    assert doc003.title.endswith("trong tình hình mới")
    assert "*" not in doc003.title


def test_003_signer_without_position(doc003: DocumentMetadata) -> None:
    assert doc003.signer_name == "Đỗ Mạnh Hiến"
    assert doc003.signer_position is None
    assert doc003.signer_authority is None
    assert doc003.cc[0] == "Ban Tuyên giáo Trung ương (để báo cáo)"
    assert doc003.cc[-1] == "Lưu Văn phòng Thành ủy"


def test_003_references(doc003: DocumentMetadata) -> None:
    conclusion = _reference(doc003, "226-KL/TU")
    assert (conclusion.kind, conclusion.date, conclusion.text) == (
        "Kết luận",
        "2022-12-30",
        "Kết luận 226-KL/TU",
    )
    assert _reference(doc003, "25-CT/TW").date == "2023-10-25"
    assert _reference(doc003, "50-CTr/TU").kind == "Chương trình hành động"
    assert _reference(doc003, "20-NQ/TW").date == "2017-10-25"


# --- 004: Công văn with a full number and date ---------------------------------------------------


def test_004_header(doc004: DocumentMetadata) -> None:
    assert doc004.doc_type == "Công văn"
    assert doc004.number == "307-CV/ĐU"
    assert doc004.number_raw == "Số 307-CV/ĐU"
    assert doc004.place == "P. Nguyễn Nghiêm"
    assert (doc004.date, doc004.date_precision) == ("2024-06-03", "day")
    assert doc004.date_text == "P. Nguyễn Nghiêm, ngày 03 tháng 6 năm 2024"
    assert doc004.issuer == "Đảng ủy phường Nguyễn Nghiêm"
    assert doc004.title == "Về triển khai thực hiện Chỉ thị số 25-CT/TW của Ban Bí thư"


def test_004_recipients_on_label_line(doc004: DocumentMetadata) -> None:
    assert doc004.recipients == [
        "Ủy ban nhân dân phường",
        "Các chi bộ trực thuộc",
        "Mặt trận, các tổ chức chính trị - xã hội phường",
        "Các Ban TMGV Đảng ủy",
    ]
    assert doc004.cc == ["Như trên", "Các đồng chí ĐUV", "Lưu VP phường"]


def test_004_signer(doc004: DocumentMetadata) -> None:
    assert doc004.signer_name == "Nguyễn Thị Thuý Tình"
    assert doc004.signer_position == "PHÓ BÍ THƯ"
    assert doc004.signer_authority == "T/M BAN THƯỜNG VỤ"


def test_004_references_exclude_own_number(doc004: DocumentMetadata) -> None:
    numbers = [ref.number for ref in doc004.references]
    assert "307-CV/ĐU" not in numbers
    assert sorted(numbers) == ["1380-CV/TU", "25-CT/TW"]
    dispatch = _reference(doc004, "1380-CV/TU")
    assert (dispatch.kind, dispatch.date) == ("Công văn", "2024-05-28")
    directive = _reference(doc004, "25-CT/TW")
    assert (directive.kind, directive.date) == ("Chỉ thị", "2023-10-25")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_verbatim_fields_are_substrings(prefix: str) -> None:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    metadata = extract_metadata(text)
    for value in (metadata.number_raw, metadata.date_text):
        assert value is None or value in text
    for ref in metadata.references:
        assert ref.text in text


# --- Synthetic headers -------------------------------------------------------------------------

GOVERNMENT_DECISION = """\
ỦY BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 12/QĐ-UBND

Hà Nội, ngày 15 tháng 3 năm 2025

QUYẾT ĐỊNH

Về việc ban hành Quy chế làm việc

Căn cứ Quyết định số 05/QĐ-UBND ngày 02/01/2025 của Ủy ban nhân dân Thành phố;

Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Trần Văn Bình
"""


def test_government_decision_with_colon_number() -> None:
    metadata = extract_metadata(GOVERNMENT_DECISION)
    assert metadata.doc_type == "Quyết định"
    assert (metadata.number, metadata.number_raw) == ("12/QĐ-UBND", "Số: 12/QĐ-UBND")
    assert (metadata.place, metadata.date, metadata.date_precision) == ("Hà Nội", "2025-03-15", "day")
    assert metadata.issuer == "Ủy ban nhân dân thành phố Hà Nội"
    assert metadata.title == "Quyết định về việc ban hành Quy chế làm việc"
    assert metadata.cc == ["Như Điều 3", "Lưu: VT"]
    assert (metadata.signer_authority, metadata.signer_position, metadata.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Trần Văn Bình",
    )
    assert [(ref.kind, ref.number, ref.date) for ref in metadata.references] == [
        ("Quyết định", "05/QĐ-UBND", "2025-01-02")
    ]


def test_year_only_date_and_type_from_number_code() -> None:
    text = "ĐẢNG ỦY XÃ AN BÌNH\n\nSố 5-TB/ĐU\n\nAn Bình, ngày   tháng   năm 2026\n\nThực hiện chỉ đạo của cấp trên.\n"
    metadata = extract_metadata(text)
    assert metadata.doc_type == "Thông báo"
    assert metadata.number == "5-TB/ĐU"
    assert (metadata.place, metadata.date, metadata.date_precision) == ("An Bình", "2026", "year")
    assert metadata.issuer == "Đảng ủy xã An Bình"


def test_subject_line_alone_means_cong_van() -> None:
    text = "V/v tăng cường công tác\nphòng, chống dịch\n\nKính gửi: Ban Thường vụ Thành ủy\n\nThực hiện …\n"
    metadata = extract_metadata(text)
    assert metadata.doc_type == "Công văn"
    assert metadata.title == "V/v tăng cường công tác phòng, chống dịch"
    assert metadata.recipients == ["Ban Thường vụ Thành ủy"]


def test_issuer_falls_back_to_signing_authority() -> None:
    text = "Nội dung văn bản không có phần đầu.\n\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\n\nLê Văn Cường\n"
    metadata = extract_metadata(text)
    assert metadata.issuer == "Ban Thường vụ"
    assert metadata.signer_position == "BÍ THƯ"


def test_impossible_date_is_not_invented() -> None:
    metadata = extract_metadata("Hà Nội, ngày 31 tháng 02 năm 2025\n")
    assert metadata.date is None and metadata.date_precision is None
    assert metadata.date_text == "Hà Nội, ngày 31 tháng 02 năm 2025"


@pytest.mark.parametrize(
    "text", ["", "\n\n", "Một đoạn văn bản bình thường, không có phần đầu hay chữ ký nào."]
)
def test_no_header_gives_empty_metadata(text: str) -> None:
    assert extract_metadata(text) == DocumentMetadata()


PARTY_RESOLUTION = """\
**ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG
ĐẢNG UỶ PHƯỜNG AN BIÊN**

ĐẢNG CỘNG SẢN VIỆT NAM

An Biên, ngày 09 tháng 9 năm 2025

Số 03-NQ/ĐU

NGHỊ QUYẾT

*về phát triển y tế cơ sở
giai đoạn 2025 - 2030*

Ngày 05/9/2025, Đảng ủy phường họp và quyết nghị như sau:

1. Mục tiêu

KT. BÍ THƯ
PHÓ BÍ THƯ

Phạm Thị Hoa
"""


def test_two_level_party_header_and_deputy_signature() -> None:
    metadata = extract_metadata(PARTY_RESOLUTION)
    assert metadata.issuer == "Đảng ủy phường An Biên, Đảng bộ thành phố Hải Phòng"
    assert (metadata.doc_type, metadata.number) == ("Nghị quyết", "03-NQ/ĐU")
    assert metadata.title == "Nghị quyết về phát triển y tế cơ sở giai đoạn 2025 - 2030"
    assert (metadata.signer_authority, metadata.signer_position, metadata.signer_name) == (
        "KT. BÍ THƯ",
        "PHÓ BÍ THƯ",
        "Phạm Thị Hoa",
    )
    assert metadata.references == []
