"""Text for the ward loudspeaker: numbers, percentages, dates, document numbers and abbreviations
written out as they are read aloud in Vietnamese ("98%" → "chín mươi tám phần trăm").

Vietnamese conventions: "," is the decimal mark and "." groups thousands ("1.250.000"); after
"mươi" one is "mốt", four "tư", five "lăm"; an empty tens place inside a hundred is "lẻ"
("một trăm lẻ năm"), an empty hundreds place after thousands is "không trăm".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hoidap.vntext import doc_number_key

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu", "tỷ"]

# Kinds of document in a number such as "72-NQ/TW", and who issued it when the corpus does not say.
_KINDS = {
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "CTR": "Chương trình hành động",
    "KH": "Kế hoạch",
    "CV": "Công văn",
    "QĐ": "Quyết định",
    "QD": "Quyết định",
    "KL": "Kết luận",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "TT": "Thông tư",
}
_ISSUERS = {
    "TW": "Trung ương",
    "TU": "Ban Thường vụ Thành ủy",
    "ĐU": "Đảng ủy",
    "DU": "Đảng ủy",
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "BYT": "Bộ Y tế",
    "UBND": "Ủy ban nhân dân",
}
# Abbreviations read in full. Only upper-case spellings are expanded ("TU" in a number, not "tu").
_ABBREVIATIONS = {
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "KCB": "khám chữa bệnh",
    "YHCT": "y học cổ truyền",
    "TTYT": "Trung tâm Y tế",
    "TYT": "Trạm Y tế",
    "ATTP": "an toàn thực phẩm",
    "CSSK": "chăm sóc sức khỏe",
    "KT-XH": "kinh tế - xã hội",
    "CT-XH": "chính trị - xã hội",
    "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ",
    "TP": "thành phố",
    "TW": "Trung ương",
    "NQ": "Nghị quyết",
}

_DOC_NUMBER = re.compile(
    r"(?P<kindword>\b(?i:Nghị quyết|Chỉ thị|Chương trình hành động|Chương trình|Kế hoạch|Công văn|Quyết định|"
    r"Kết luận|Hướng dẫn|Thông báo|Báo cáo|Thông tư)\s+(?:số\s+)?|(?P<so>\bsố\s+))?"
    r"\b(?P<number>\d{1,5})\s?(?:-\s?(?P<kind>[A-ZĐ][A-Za-zĐđ]{0,4})\s?/\s?(?P<issuer>[A-ZĐ][A-Za-zĐđ]{0,9})"
    # the government's order: "282/NQ-CP", "25/CT-TTg"
    r"|/\s?(?P<kind2>[A-ZĐ][A-Za-zĐđ]{0,4})\s?-\s?(?P<issuer2>[A-ZĐ][A-Za-zĐđ]{0,9}))\b"
)
_DATE = re.compile(r"(?P<ngay>\b(?i:ngày)\s+)?\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b")
_PERCENT = re.compile(r"(?P<n>\d+(?:,\d+)?)\s?%")
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
_ABBREVIATION = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _ABBREVIATIONS), key=len, reverse=True)) + r")(?![\w-])"
)


def _below_thousand(n: int, full: bool) -> list[str]:
    """0 < n < 1000; ``full``: a group after a higher one (says "không trăm", "lẻ")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 5 and tens:
            words.append("lăm")
        elif units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return words


def number_words(n: int) -> str:
    """``2030`` → "hai nghìn không trăm ba mươi"; ``1000000000`` → "một tỷ"."""
    if n == 0:
        return "không"
    if n < 0:
        return "âm " + number_words(-n)
    if n >= 1000**4:
        billions, rest = divmod(n, 1000**3)
        tail = number_words(rest) if rest else ""
        return f"{number_words(billions)} tỷ {tail}".strip()
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _below_thousand(group, full=bool(words))
        words.append(_SCALES[index])
    return " ".join(word for word in words if word)


def decimal_words(text: str) -> str:
    """``"1.250.000"`` → một triệu hai trăm năm mươi nghìn; ``"98,5"`` → chín mươi tám phẩy năm."""
    whole, _, fraction = text.replace(".", "").partition(",")
    spoken = number_words(int(whole))
    if fraction:
        fraction = fraction.rstrip("0") or "0"
        # Short fractions read as a number ("phẩy năm", "phẩy hai mươi lăm"), long ones digit by digit.
        tail = (
            number_words(int(fraction))
            if len(fraction) <= 2 and not fraction.startswith("0")
            else " ".join(_DIGITS[int(digit)] for digit in fraction)
        )
        spoken += " phẩy " + tail
    return spoken


def _month(m: int) -> str:
    return "tư" if m == 4 else number_words(m)


def _date(match: re.Match[str]) -> str:
    day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    word = "Ngày" if (match["ngay"] or "").startswith("N") else "ngày"
    return f"{word} {number_words(day)} tháng {_month(month)} năm {number_words(year)}"


def _doc_number(match: re.Match[str], issuers: Mapping[str, str]) -> str:
    kind = _KINDS.get((match["kind"] or match["kind2"]).upper())
    if kind is None:
        return match.group(0)
    # Who issued it as the documents say ("72-NQ/TW" → Bộ Chính trị), else what the code says (Trung ương).
    number = match.string[match.start("number") : match.end()]
    issuer = issuers.get(doc_number_key(number)) or _ISSUERS.get(
        (match["issuer"] or match["issuer2"]).upper()
    )
    # "Công văn … số 307-CV/ĐU": the kind was said before "số".
    lead = "số" if match["so"] else f"{kind} số"
    spoken = f"{lead} {number_words(int(match['number']))}"
    # "72-NQ/TW ngày 09/9/2025 của Bộ Chính trị" already names who issued it, and so does
    # "72-NQ/TW về một số giải pháp … của Bộ Chính trị" later in the same clause.
    following = match.string[match.end() : match.end() + 160]
    clause = re.split(r"[;.!?\n]", following, maxsplit=1)[0]
    if (
        issuer
        and not re.match(r"\)?\s*(?:,\s*)?(?:ngày\s+\S+\s*(?:,\s*)?)?của\b", following)
        and f"của {issuer}" not in clause
    ):
        spoken += f" của {issuer}"
    return spoken


def speech_text(text: str, issuers: Mapping[str, str] | None = None) -> str:
    """The text as it should be read aloud (tested on its own; fed to the text-to-speech engine).

    ``issuers``: document number key (:func:`hoidap.vntext.doc_number_key`) → who issued it, as
    the corpus states it (:func:`hoidap.propaganda.issuers.issuer_lookup`): "72-NQ/TW" is read
    "Nghị quyết số bảy mươi hai của Bộ Chính trị"; numbers it does not know fall back to the code
    after the slash ("TW" → Trung ương).
    """
    text = _DOC_NUMBER.sub(lambda match: _doc_number(match, issuers or {}), text)
    text = _DATE.sub(_date, text)
    text = _PERCENT.sub(lambda m: f"{decimal_words(m['n'])} phần trăm", text)
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
    text = _NUMBER.sub(lambda m: decimal_words(m.group(0)), text)
    return re.sub(r"[ \t]+", " ", text).strip()
