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
