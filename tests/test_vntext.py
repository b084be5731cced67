"""Vietnamese text rules (hoidap.vntext): the one place ingestion and querying agree on how text compares."""

from __future__ import annotations

import unicodedata

import pytest

from hoidap.vntext import (
    doc_numbers,
    expand_abbreviations,
    expand_colloquial,
    fold_diacritics,
    folded_syllables,
    is_unaccented,
    lexical_terms,
    nfc,
    normalize_text,
    normalize_tone_placement,
    strip_format_characters,
    syllables,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ------------------------------------------------------------------ NFC and tone placement


def test_nfc_composes_decomposed_text() -> None:
    composed = "Nghị quyết số 72-NQ/TW về bảo hiểm y tế"
    decomposed = nfd(composed)
    assert decomposed != composed
    assert nfc(decomposed) == composed
    assert normalize_text(decomposed) == composed
    assert syllables(decomposed) == syllables(composed)
    assert lexical_terms(decomposed) == lexical_terms(composed)


@pytest.mark.parametrize(
    ("old_style", "modern"),
    [
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("HOÀ", "HÒA"),
        ("cấp uỷ", "cấp ủy"),
        ("Nguyễn Thị Thuý Tình", "Nguyễn Thị Thúy Tình"),
        ("đa dạng hoá.", "đa dạng hóa."),
    ],
)
def test_tone_moves_to_the_main_vowel_in_open_syllables(old_style: str, modern: str) -> None:
    assert normalize_tone_placement(old_style) == modern
    assert normalize_text(nfd(old_style)) == modern
    assert normalize_tone_placement(modern) == modern  # idempotent


@pytest.mark.parametrize("word", ["hoàng", "quý", "Quý", "khuyến", "hoạch", "thuở", "ngoáy", "khuya", "hoặc", "HOẶC", "khoắn", "hoằng"])
def test_closed_and_qu_syllables_keep_their_tone(word: str) -> None:
    assert normalize_tone_placement(word) == word


def test_both_tone_conventions_give_the_same_syllables_and_terms() -> None:
    assert syllables("Thuý hoà khoẻ") == syllables("Thúy hòa khỏe") == ["thúy", "hòa", "khỏe"]
    assert lexical_terms("sức khoẻ cấp uỷ") == lexical_terms("sức khỏe cấp ủy")


# ------------------------------------------------------------------ folding


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đến năm 2030 tỷ lệ bao phủ", "Den nam 2030 ty le bao phu"),
        ("đảng ủy phường Đồ Sơn", "dang uy phuong Do Son"),
        ("ĐẢNG ỦY", "DANG UY"),
        ("đ Đ", "d D"),
        ("Trần Huy Kiên", "Tran Huy Kien"),
    ],
)
def test_fold_diacritics(text: str, folded: str) -> None:
    assert fold_diacritics(text) == folded
    assert fold_diacritics(nfd(text)) == folded


def test_every_vietnamese_letter_folds_to_ascii() -> None:
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    folded = fold_diacritics(letters + letters.upper())
    assert folded.isascii()
    assert set(folded.lower()) == set("aeiouyd")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bao hiem y te", True),
        ("den nam 2030 ty le bao phu bhyt dat bao nhieu", True),
        ("Ai ky cong van 307-CV/DU?", True),
        ("bảo hiểm y tế", False),
        ("di dau", True),
        ("đi đâu", False),
        ("đi", False),  # đ alone is a diacritic
        ("2030 98%", False),  # no letters at all
        ("", False),
    ],
)
def test_is_unaccented(text: str, expected: bool) -> None:
    assert is_unaccented(text) is expected


# ------------------------------------------------------------------ syllables


def test_syllables_keep_one_letter_syllables() -> None:
    assert syllables("Y tế ở 98% dân số") == ["y", "tế", "ở", "98%", "dân", "số"]
    assert syllables("y") == ["y"]
    assert syllables("Ở đâu?") == ["ở", "đâu"]
    assert folded_syllables("Y tế ở đâu") == ["y", "te", "o", "dau"]


def test_syllables_keep_percentages_and_decimal_commas() -> None:
    text = "tăng thêm ít nhất 1,5 cm; tuổi thọ đạt trên 75,5 tuổi, bao phủ 98% trở lên, 1.000 người."
    tokens = syllables(text)
    for number in ("1,5", "75,5", "98%", "1.000"):
        assert number in tokens
    assert "cm" in tokens and "tuổi" in tokens
    assert all(token == token.lower() for token in tokens)
    # Punctuation survives only inside numbers.
    assert {t for t in tokens if any(mark in t for mark in ";,.")} == {"1,5", "75,5", "1.000"}


# ------------------------------------------------------------------ abbreviations


def test_abbreviation_expansion_appends_the_full_form() -> None:
    assert expand_abbreviations("NQ 72 về BHYT") == "NQ (nghị quyết) 72 về BHYT (bảo hiểm y tế)"


def test_nq_72_shares_terms_with_the_full_reference() -> None:
    query = set(lexical_terms("NQ 72"))
    passage = set(lexical_terms("Thực hiện Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị"))
    assert {"nq", "nghi", "quyet", "72", "nghi_quyet"} <= query & passage


@pytest.mark.parametrize("glued", ["nq72", "NQ72", "Nq72"])
def test_glued_code_and_number_are_split(glued: str) -> None:
    assert lexical_terms(glued) == lexical_terms("NQ 72")


def test_other_glued_codes() -> None:
    assert {"chi_thi", "25"} <= set(lexical_terms("ct25"))
    assert {"chuong_trinh", "06"} <= set(lexical_terms("ctr06"))


@pytest.mark.parametrize("abbreviation", ["BHYT", "bhyt", "Bhyt"])
def test_bhyt_and_bao_hiem_y_te_match_both_ways(abbreviation: str) -> None:
    full = set(lexical_terms("bảo hiểm y tế"))
    # A question with the abbreviation finds a passage with the full form …
    assert full <= set(lexical_terms(f"tỷ lệ tham gia {abbreviation}"))
    # … and a question with the full form finds a passage with the abbreviation.
    assert full <= set(lexical_terms(f"Tỷ lệ tham gia {abbreviation} đạt 98%"))
    assert "bhyt" in lexical_terms(abbreviation)


def test_tu_is_an_abbreviation_only_in_capitals() -> None:
    assert "thành ủy" in expand_abbreviations("Văn phòng TU")
    assert {"thanh", "uy", "thanh_uy"} <= set(lexical_terms("Văn phòng TU"))
    for ordinary in ("tu", "Tu", "tư duy", "Tu sửa"):
        assert expand_abbreviations(ordinary) == ordinary
    assert lexical_terms("tu") == ["tu"]
    assert "dang" not in lexical_terms("du lịch")
    assert {"dang", "uy"} <= set(lexical_terms("Văn phòng ĐU"))


@pytest.mark.parametrize(
    ("accented", "unaccented"),
    [
        ("HĐND thành phố", "HDND thanh pho"),
        ("hđnd", "hdnd"),
        ("Văn phòng ĐU", "Van phong DU"),
        ("QĐ 123", "QD 123"),
        ("các đồng chí ĐUV", "cac dong chi DUV"),
        ("Quyết định số 25/QĐ-UBND", "Quyet dinh so 25/QD-UBND"),
        ("Ai ký công văn 307-CV/ĐU?", "ai ky cong van 307-CV/DU?"),
    ],
)
def test_codes_with_d_stroke_are_recognised_without_diacritics(accented: str, unaccented: str) -> None:
    assert lexical_terms(accented) == lexical_terms(unaccented)
    assert "(" in expand_abbreviations(unaccented)


def test_required_abbreviations_expand() -> None:
    expected = {
        "BHXH": "bao hiem xa hoi",
        "UBND": "uy ban nhan dan",
        "HĐND": "hoi dong nhan dan",
        "MTTQ": "mat tran to quoc",
        "CTr": "chuong trinh",
        "KH": "ke hoach",
        "CV": "cong van",
        "BTV": "ban thuong vu",
        "BCH": "ban chap hanh",
        "TBT": "tong bi thu",
        "KCB": "kham chua benh",
        "YHCT": "y hoc co truyen",
        "CTMTQG": "chuong trinh muc tieu quoc gia",
        "CT-XH": "chinh tri xa hoi",
        "TT": "thuong truc",
    }
    for abbreviation, words in expected.items():
        terms = lexical_terms(f"các {abbreviation} phường")
        bigrams = [f"{a}_{b}" for a, b in zip(words.split(), words.split()[1:], strict=False)]
        assert set(words.split()) | set(bigrams) <= set(terms), abbreviation


# ------------------------------------------------------------------ document numbers


def test_document_numbers_are_found_and_normalised() -> None:
    text = (
        "Thực hiện Nghị quyết số 72-NQ/TW, Chỉ thị số 25/CT-TTg, Chương trình số 06-CTr/TU "
        "và Công văn số 307-CV/ĐU; Kế hoạch 30 - KH/BTGDVTU; Số -CV/BXDD"
    )
    assert doc_numbers(text) == ["72-NQ/TW", "25/CT-TTg", "06-CTr/TU", "307-CV/ĐU", "30-KH/BTGDVTU"]


@pytest.mark.parametrize(
    ("number", "whole", "parts"),
    [
        ("72-NQ/TW", "72-nq/tw", {"72", "nq", "tw", "nghi_quyet", "trung_uong"}),
        ("25/CT-TTg", "25/ct-ttg", {"25", "ct", "ttg", "chi_thi", "thu_tuong"}),
        ("06-CTr/TU", "06-ctr/tu", {"06", "ctr", "tu", "chuong_trinh", "thanh_uy"}),
        ("307-CV/ĐU", "307-cv/du", {"307", "cv", "du", "cong_van", "dang_uy"}),
    ],
)
def test_document_numbers_are_one_token_and_split(number: str, whole: str, parts: set[str]) -> None:
    terms = lexical_terms(f"Thực hiện văn bản số {number} của Ban Thường vụ")
    assert whole in terms
    assert parts <= set(terms)


def test_blank_document_number_is_not_a_number() -> None:
    assert doc_numbers("Số -CV/BXDD") == []
    assert doc_numbers("Số - KH/ĐU") == []


# ------------------------------------------------------------------ accented / unaccented parity


@pytest.mark.parametrize(
    ("accented", "unaccented"),
    [
        ("Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?", "den nam 2030 ty le bao phu bhyt dat bao nhieu?"),
        ("Ai ký công văn 307-CV/ĐU?", "Ai ky cong van 307-CV/DU?"),
        ("Y tế cơ sở ở phường Đồ Sơn", "y te co so o phuong Do Son"),
        ("Nghị quyết số 72-NQ/TW của Bộ Chính trị", "Nghi quyet so 72-NQ/TW cua Bo Chinh tri"),
        ("Chỉ thị 25/CT-TTg về y học cổ truyền", "Chi thi 25/CT-TTg ve y hoc co truyen"),
        ("HĐND thành phố thông qua 07 nghị quyết", "HDND thanh pho thong qua 07 nghi quyet"),
        ("sức khoẻ người cao tuổi", "suc khoe nguoi cao tuoi"),
    ],
)
def test_lexical_terms_ignore_diacritics(accented: str, unaccented: str) -> None:
    assert lexical_terms(accented) == lexical_terms(unaccented)


def test_lexical_terms_are_syllables_then_bigrams() -> None:
    assert lexical_terms("Y tế cơ sở") == ["y", "te", "co", "so", "y_te", "te_co", "co_so"]


def test_lexical_terms_ignore_markdown_emphasis() -> None:
    assert lexical_terms("**T/M BAN THƯỜNG VỤ**") == lexical_terms("T/M BAN THƯỜNG VỤ")


# ------------------------------------------------------------------ colloquial phrases


@pytest.mark.parametrize("question", ["thuốc nam", "thuoc nam", "Phường có khuyến khích dùng THUỐC NAM không?"])
def test_expand_colloquial_names_traditional_medicine(question: str) -> None:
    expanded = expand_colloquial(question)
    assert expanded.startswith(question)  # appended, never substituted
    assert "y học cổ truyền" in expanded


def test_expand_colloquial_leaves_formal_questions_alone() -> None:
    question = "Tỷ lệ bao phủ bảo hiểm y tế năm 2030"
    assert expand_colloquial(question) == question


def test_colloquial_expansion_has_the_same_terms_accented_or_not() -> None:
    assert lexical_terms(expand_colloquial("thuốc nam")) == lexical_terms(expand_colloquial("thuoc nam"))


# ------------------------------------------------------------------ format characters (Cf)


@pytest.mark.parametrize(
    "hidden",
    ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202e", "\u2060", "\u2066"],
)
def test_format_characters_are_removed_before_comparison(hidden: str) -> None:
    question = hidden.join("bhyt") + " 2" + hidden + "030 đạt bao nhiêu"
    assert strip_format_characters(question) == "bhyt 2030 đạt bao nhiêu"
    assert normalize_text(question) == "bhyt 2030 đạt bao nhiêu"
    assert syllables(question) == syllables("bhyt 2030 đạt bao nhiêu")
    assert lexical_terms(question) == lexical_terms("bhyt 2030 đạt bao nhiêu")


def test_visible_text_is_untouched_by_format_stripping() -> None:
    text = "Bảo hiểm y tế\ttoàn dân\n72-NQ/TW — 95% 😀"
    assert strip_format_characters(text) == text


def test_spelling_key_joins_the_y_and_i_spellings() -> None:
    from hoidap.vntext import fold_diacritics, spelling_key

    for a, b in [("tỷ", "tỉ"), ("kỹ", "kĩ"), ("lý", "lí"), ("Mỹ", "Mĩ"), ("ty", "ti")]:
        assert spelling_key(fold_diacritics(a).lower()) == spelling_key(fold_diacritics(b).lower())
    # other vowels ending in y are left alone: "huy", "tuy", "quy", "hay", "y"
    for word in ("huy", "tuy", "quy", "hay", "y"):
        assert spelling_key(word) == word
