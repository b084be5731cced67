"""Who issued a document number, as the corpus states it after the number."""

from __future__ import annotations

import pytest

from hoidap.domain import Document
from hoidap.propaganda.issuers import issuer_lookup, issuer_phrase, stated_issuers
from hoidap.vntext import doc_number_key


def test_lookup_from_the_sample_corpus(documents: dict[str, Document]) -> None:
    lookup = issuer_lookup(documents)
    assert lookup[doc_number_key("72-NQ/TW")] == "Bộ Chính trị"
    # "của Ban Thường vụ Thành ủy" four times, "Thành ủy Hà Nội" twice, "… Thành ủy Hà Nội" once
    assert lookup[doc_number_key("06-CTr/TU")] == "Ban Thường vụ Thành ủy"
    assert lookup[doc_number_key("03-CTr/TU")] == "Ban Thường vụ Thành ủy"
    assert lookup[doc_number_key("282/NQ-CP")] == "Chính phủ"  # "282/NQ-CP, ngày 15/9/2025 của Chính phủ"
    assert lookup[doc_number_key("25/CT-TTg")] == "Thủ tướng Chính phủ"
    assert lookup[doc_number_key("25-CT/TW")] == "Ban Bí thư"  # the line break before "của" is no stop
    assert lookup[doc_number_key("20-NQ/TW")] == "Ban Chấp hành Trung ương Đảng"  # "… khóa XII" dropped
    assert lookup[doc_number_key("318-CV/BTGDVTU")] == "Ban Tuyên giáo và dân vận Thành ủy"
    # a corpus document's own number: its metadata issuer
    assert lookup[doc_number_key("307-CV/ĐU")] == "Đảng ủy phường Nguyễn Nghiêm"
    # "Kế hoạch số 30-KH/BTGDVTU, ngày 07/2/2026 về …" names no issuer
    assert doc_number_key("30-KH/BTGDVTU") not in lookup


def test_most_stated_issuer_wins() -> None:
    text = (
        "Chương trình số 06-CTr/TU của Thành ủy Hà Nội. Chương trình số 06-CTr/TU ngày 12/01/2026 của "
        "Ban Thường vụ Thành ủy; Chương trình số 06-CTr/TU, ngày 12/01/2026, của Ban Thường vụ Thành ủy "
        "thực hiện Nghị quyết số 72-NQ/TW của Bộ Chính trị và Chương trình hành động số 03-CTr/TU."
    )
    assert list(stated_issuers(text)) == [
        ("06-ctr/tu", "Thành ủy Hà Nội"),
        ("06-ctr/tu", "Ban Thường vụ Thành ủy"),
        ("06-ctr/tu", "Ban Thường vụ Thành ủy"),
        ("72-nq/tw", "Bộ Chính trị"),
    ]


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("Bộ Chính trị “Về một số giải pháp đột phá”", "Bộ Chính trị"),
        ("Ban Thường vụ Thành ủy được ban hành", "Ban Thường vụ Thành ủy"),
        ("Ban Thường vụ Đảng ủy phường đến cán bộ, đảng viên", "Ban Thường vụ Đảng ủy phường"),
        ("Bộ Chính trị và Chương trình hành động số 06-CTr/TU", "Bộ Chính trị"),
        ("Thủ tướng Chính phủ về đẩy mạnh phát triển y học cổ truyền", "Thủ tướng Chính phủ"),
        ("mỗi cơ quan, đơn vị", None),
        ("các cấp, các ngành", None),
    ],
)
def test_issuer_phrase(text: str, issuer: str | None) -> None:
    assert issuer_phrase(text) == issuer
