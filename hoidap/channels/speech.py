"""Text for the ward loudspeaker: numbers, percentages, dates, document numbers and abbreviations
written out as they are read aloud in Vietnamese ("98%" → "chín mươi tám phần trăm").

Vietnamese conventions: "," is the decimal mark and "." groups thousands ("1.250.000"); after
"mươi" one is "mốt", four "tư", five "lăm"; an empty tens place inside a hundred is "lẻ"
("một trăm lẻ năm"), an empty hundreds place after thousands is "không trăm".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hoidap.profile import issuer_codes, type_alternation, type_by_code
from hoidap.vntext import OFFICIAL_ABBREVIATIONS, doc_number_key

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu", "tỷ"]

# Kinds of document in a number ("72-NQ/TW"), who issued it when the corpus does not say, and the
# abbreviations read in full all come from the data files every other part reads
# (hoidap/data/document_profile.toml, hoidap/data/abbreviations.toml): no table of our own.
_ISSUERS = {code.upper(): name for code, name in issuer_codes().items()}
# Only upper-case spellings are expanded ("TU" in a text, not "tu"), and only abbreviations found in
# documents: chat shorthand ("K", "J") never occurs in what the bulletin reads.
_ABBREVIATIONS = {key: value for key, value in OFFICIAL_ABBREVIATIONS.items() if key == key.upper()}


def _kind(code: str) -> str | None:
    """The type a number's code stands for; "QD" and "DU" typed without their Đ count too."""
    found = type_by_code(code) or type_by_code(code.upper().replace("D", "Đ", 1))
    return found.name if found else None


def _issuer(code: str) -> str | None:
    """Who a number's suffix names ("TW" → "Trung ương"); the first reading of an ambiguous one
    ("TU": "thành ủy, tỉnh ủy" → "Thành ủy"), with a capital: it names a body."""
    name = _ISSUERS.get(code.upper()) or _ISSUERS.get(code.upper().replace("D", "Đ", 1))
    if not name:
        return None
    first = name.split(",")[0].strip()
    return first[:1].upper() + first[1:]


_DOC_NUMBER = re.compile(
    rf"(?P<kindword>\b(?i:{type_alternation()})\s+(?:số\s+)?|(?P<so>\bsố\s+))?"
    # a normative document's year after its number: "30/2020/NĐ-CP", "68/2020/QH14"
    r"\b(?P<number>\d{1,5})(?:/(?P<year>\d{4}))?\s?(?:-\s?(?P<kind>[A-ZĐ][A-Za-zĐđ]{0,4})\s?/\s?(?P<issuer>[A-ZĐ][A-Za-zĐđ]{0,9})"
    # the government's order: "282/NQ-CP", "25/CT-TTg"
    r"|/\s?(?P<kind2>[A-ZĐ][A-Za-zĐđ]{0,4})\s?-\s?(?P<issuer2>[A-ZĐ][A-Za-zĐđ]{0,9})"
    # a law of the National Assembly: "68/2020/QH14" (no type code; the body and its term)
    r"|/(?P<body>[A-ZĐ]{2,6})(?P<term>\d{1,2}))\b"
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
    if match["body"]:
        return _law_number(match)
    kind = _kind(match["kind"] or match["kind2"])
    if kind is None:
        return match.group(0)
    # Who issued it as the documents say ("72-NQ/TW" → Bộ Chính trị), else what the code says (Trung ương).
    number = match.string[match.start("number") : match.end()]
    issuer = issuers.get(doc_number_key(number)) or _issuer(match["issuer"] or match["issuer2"])
    # "Công văn … số 307-CV/ĐU": the kind was said before "số".
    lead = "số" if match["so"] else f"{kind} số"
    spoken = f"{lead} {number_words(int(match['number']))}"
    if match["year"]:
        spoken += f" năm {number_words(int(match['year']))}"
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


def _law_number(match: re.Match[str]) -> str:
    """"Luật số 68/2020/QH14" → "Luật số sáu mươi tám năm hai nghìn không trăm hai mươi của Quốc hội khóa mười bốn"."""
    if not match["year"]:
        return match.group(0)
    lead = match["kindword"] or match["so"] or "số "
    if not lead.rstrip().endswith("số"):
        lead = f"{lead.rstrip()} số "
    spoken = f"{lead}{number_words(int(match['number']))} năm {number_words(int(match['year']))}"
    body = _issuer(match["body"])
    return f"{spoken} của {body} khóa {number_words(int(match['term']))}" if body else spoken


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
