"""The loudspeaker's speech text: numbers, percentages, dates, document numbers, abbreviations."""

from __future__ import annotations

import pytest

from hoidap.channels.speech import decimal_words, number_words, speech_text


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (98, "chín mươi tám"),
        (105, "một trăm lẻ năm"),
        (115, "một trăm mười lăm"),
        (1005, "một nghìn không trăm lẻ năm"),
        (2030, "hai nghìn không trăm ba mươi"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        (3_000_000_000, "ba tỷ"),
    ],
)
def test_numbers(number: int, spoken: str) -> None:
    assert number_words(number) == spoken


def test_decimals_use_the_vietnamese_marks() -> None:
    assert decimal_words("98,5") == "chín mươi tám phẩy năm"
    assert decimal_words("1.250.000") == "một triệu hai trăm năm mươi nghìn"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("98% dân số", "chín mươi tám phần trăm dân số"),
        ("đạt 98,5 %", "đạt chín mươi tám phẩy năm phần trăm"),
        ("ngày 25/10/2023", "ngày hai mươi lăm tháng mười năm hai nghìn không trăm hai mươi ba"),
        ("Ngày 4/4/2024", "Ngày bốn tháng tư năm hai nghìn không trăm hai mươi tư"),
        ("Thực hiện 72-NQ/TW.", "Thực hiện Nghị quyết số bảy mươi hai của Trung ương."),
        (
            "Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị",
            "Nghị quyết số bảy mươi hai ngày chín tháng chín năm hai nghìn không trăm hai mươi lăm của Bộ Chính trị",
        ),
        ("công văn 307-CV/ĐU", "Công văn số ba trăm lẻ bảy của Đảng ủy"),
        ("Công văn Về triển khai số 307-CV/ĐU.", "Công văn Về triển khai số ba trăm lẻ bảy của Đảng ủy."),
        ("Tham gia BHYT, BHXH", "Tham gia bảo hiểm y tế, bảo hiểm xã hội"),
        ("tu dưỡng", "tu dưỡng"),
        ("Đến năm 2030", "Đến năm hai nghìn không trăm ba mươi"),
    ],
)
def test_speech_text(text: str, spoken: str) -> None:
    assert speech_text(text) == spoken


_ISSUERS = {
    "72-nq/tw": "Bộ Chính trị",
    "06-ctr/tu": "Ban Thường vụ Thành ủy",
    "282/nq-cp": "Chính phủ",
}


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # the issuer the corpus names, not the code after the slash ("TW" = Trung ương)
        ("Thực hiện 72-NQ/TW.", "Thực hiện Nghị quyết số bảy mươi hai của Bộ Chính trị."),
        ("Nghị quyết số 72 - NQ / TW", "Nghị quyết số bảy mươi hai của Bộ Chính trị"),
        ("Chương trình hành động số 06-CTr/TU", "Chương trình hành động số sáu của Ban Thường vụ Thành ủy"),
        ("Nghị quyết số 282/NQ-CP", "Nghị quyết số hai trăm tám mươi hai của Chính phủ"),
        # not said twice when the text names it, right after the number or later in the clause
        (
            "Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị",
            "Nghị quyết số bảy mươi hai ngày chín tháng chín năm hai nghìn không trăm hai mươi lăm của Bộ Chính trị",
        ),
        ("Nghị quyết 72-NQ/TW, của Bộ Chính trị", "Nghị quyết số bảy mươi hai, của Bộ Chính trị"),
        (
            "Nghị quyết 72-NQ/TW về y tế của Bộ Chính trị",
            "Nghị quyết số bảy mươi hai về y tế của Bộ Chính trị",
        ),
        # a number the map does not know keeps the code's issuer
        ("Chỉ thị 25-CT/TW", "Chỉ thị số hai mươi lăm của Trung ương"),
        ("25/CT-TTg", "Chỉ thị số hai mươi lăm của Thủ tướng Chính phủ"),
    ],
)
def test_speech_text_names_the_issuer_from_the_corpus(text: str, spoken: str) -> None:
    assert speech_text(text, _ISSUERS) == spoken


def test_without_a_map_the_code_names_the_issuer() -> None:
    assert speech_text("Thực hiện 72-NQ/TW.") == "Thực hiện Nghị quyết số bảy mươi hai của Trung ương."
    assert speech_text("Thực hiện 72-NQ/TW.", {}) == speech_text("Thực hiện 72-NQ/TW.")


def test_normative_numbers_are_read_with_their_year_and_issuer() -> None:
    # The types, codes and issuing bodies come from the shared document profile (data file).
    assert speech_text("Theo Nghị định 30/2020/NĐ-CP.") == (
        "Theo Nghị định số ba mươi năm hai nghìn không trăm hai mươi của Chính phủ."
    )
    assert speech_text("Luật Cư trú số 68/2020/QH14 có hiệu lực.") == (
        "Luật Cư trú số sáu mươi tám năm hai nghìn không trăm hai mươi của Quốc hội khóa mười bốn có hiệu lực."
    )


def test_chat_shorthand_is_never_read_aloud() -> None:
    # "K" and "J" are shorthand people type; a bulletin reads documents, where they are letters.
    assert speech_text("Điểm K và mục J") == "Điểm K và mục J"
