"""Extract a document's metadata by rules: header block, preamble and signature block.

A Vietnamese party or state document has a stable layout, although conversion to text scrambles
the two header columns and leaves markdown ``*``/``**`` artefacts::

    ĐẢNG ỦY PHƯỜNG ĐỒ SƠN            <- issuer (superior body, then the issuing body)
    BAN XÂY DỰNG ĐẢNG
    ĐẢNG CỘNG SẢN VIỆT NAM           <- national motto, ignored
    Đồ Sơn, ngày 05 tháng 01 năm 2026 <- place and date
    Số 12-CV/BXDD                    <- the document's own number
    KẾ HOẠCH                         <- type line (absent in a Công văn)
    V/v …  /  Về …  /  <title lines>  <- subject or title
    Kính gửi: - …                    <- recipients
    Thực hiện … , Ban Thường vụ Đảng ủy phường ban hành Kế hoạch …   <- preamble
    …
    Nơi nhận: - …                    <- copies
    T/M BAN THƯỜNG VỤ                <- signing authority
    PHÓ BÍ THƯ                       <- signer's position
    Nguyễn Văn A                     <- signer

Conventions chosen here (they hold for every field of every document):

* Names of bodies (``issuer``) are written in ordinary Vietnamese casing, most specific body
  first: header ``ĐẢNG ỦY PHƯỜNG ĐỒ SƠN / BAN XÂY DỰNG ĐẢNG`` → ``Ban Xây dựng Đảng, Đảng ủy
  phường Đồ Sơn``. Preamble phrases are already in that casing and are kept as written.
* ``number_raw`` and ``date_text`` are substrings of the text (verbatim, markdown at the ends
  removed); every other string field has markdown removed and whitespace collapsed.
* ``signer_position`` and ``signer_authority`` keep the capitals they are written in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hoidap.domain import DocumentMetadata, DocumentReference
from hoidap.profile import cues, type_by_code, type_names
from hoidap.vntext import fold_diacritics, normalize_tone_placement, strip_markdown

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# Types, codes and the motto come from the document profile (hoidap/data/document_profile.toml),
# longest type name first, so "CHƯƠNG TRÌNH HÀNH ĐỘNG" wins over "CHƯƠNG TRÌNH".
_DOC_TYPES = type_names()
_REFERENCE_KINDS = type_names()
_KIND_BY_LOWER = {kind.lower(): kind for kind in _REFERENCE_KINDS}

# National motto lines of the header, compared without diacritics ("HOÀ" and "HÒA" alike).
_MOTTO_LINES = set(cues("motto"))

# Caps header lines that open a new body; any other caps line continues the previous one
# ("ỦY BAN NHÂN DÂN" + "THÀNH PHỐ HÀ NỘI" is one body). Matched after tone normalisation, so
# "ĐẢNG UỶ" (old style) is "ĐẢNG ỦY".
_BODY_HEADS = re.compile(
    r"^(ĐẢNG ỦY|ĐẢNG BỘ|CHI BỘ|BAN|ỦY BAN|UBND|HĐND|HỘI ĐỒNG|THÀNH ỦY|TỈNH ỦY|HUYỆN ỦY|QUẬN ỦY|THỊ ỦY|"
    r"SỞ|BỘ|VĂN PHÒNG|TRUNG TÂM|PHÒNG|MẶT TRẬN|CÔNG AN|CHÍNH PHỦ|QUỐC HỘI|HỘI|ĐOÀN|TRƯỜNG|BỆNH VIỆN|"
    r"CỤC|TỔNG CỤC)\b"
)

# The body or officer that enacts a decision, on its own line between title and preamble.
_ENACTING_BODY = re.compile(rf"^(?:CHỦ TỊCH|BỘ TRƯỞNG|GIÁM ĐỐC|{_BODY_HEADS.pattern[2:-3]})\b")

# Administrative units: the words after them are a place name ("phường Đồ Sơn").
_ADMIN_UNITS = {"phường", "xã", "quận", "huyện", "tỉnh", "thị xã", "thị trấn", "thành phố"}
# Committees named after their place ("Thành ủy Hải Phòng").
_PLACE_COMMITTEES = {"thành", "tỉnh", "huyện", "quận", "thị"}
# Acronyms kept in capitals when a caps line is re-cased.
_ACRONYMS = {"UBND", "HĐND", "MTTQ", "UBMTTQ", "MTTQVN", "CT-XH", "BHXH", "BHYT", "TW"}
_VOWELS = set("aeiouyăâêôơư")

# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

# A document number: party style "72-NQ/TW", "06-CTr/TU"; state style "282/NQ-CP", "25/CT-TTg";
# with a year "117/2020/NĐ-CP". The first code segment is the document type.
_NUMBER = r"\d{1,5}(?:/\d{4})?\s?[-/]\s?[A-ZĐ][A-Za-zĐđ]*\d{0,2}(?:[-/][A-ZĐ][A-Za-zĐđ0-9]*)*"

# "Số 307-CV/ĐU", "Số: 12/QĐ-UBND", and blank numbers "Số -CV/BXDD", "Số - KH/ĐU".
_NUMBER_LINE = re.compile(
    r"^[\s*_]*(?P<raw>Số\s*:?\s*(?P<value>\d{0,5}(?:/\d{4})?\s*[-/]\s*[A-ZĐ][A-Za-zĐđ]*\d{0,2}"
    r"(?:\s*[-/]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*))"
)

# "P. Nguyễn Nghiêm, ngày 03 tháng 6 năm 2024"; day and month may be left blank.
_DATE_LINE = re.compile(
    r"^(?:(?P<place>[^\W\d_][^,\n]{0,60}?)\s*,\s*)?[Nn]gày\s*(?P<day>\d{1,2})?\s*"
    r"tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})\s*\.?$"
)

_SUBJECT_LINE = re.compile(r"^(?:V/v|V/V|Về)\s+\S")
_RECIPIENTS_LABEL = re.compile(r"Kính\s+gửi\s*:?")
_CC_LABEL = re.compile(r"^Nơi\s+nhận\s*:?", re.IGNORECASE)
_BULLET = re.compile(r"^[-+•]\s*")
# Not "Triển khai" or "Tuyên truyền": those also open title lines ("Triển khai thực hiện …").
_PREAMBLE_OPENER = re.compile(r"^(Thực hiện|Căn cứ|Trên cơ sở|Nhằm|Để|Theo)\b")
_SECTION_HEADING = re.compile(r"^(?:[IVX]+|\d{1,2})\.\s+\S")

# "…; Ban Thường vụ Thành ủy ban hành Kế hoạch …", "…, Đảng ủy phường Nguyễn Nghiêm yêu cầu:".
# The body is the clause before the verb: no punctuation or quotes inside it.
_PREAMBLE_ISSUER = re.compile(r"(?P<body>[^,;:()“”\"\n]+?)\s+(?:ban hành|yêu cầu|đề nghị|chỉ đạo)\b")

# "T/M BAN THƯỜNG VỤ", "TM. ĐẢNG ỦY", "KT. BÍ THƯ", "TL. …", "TUQ. …", "Q. …".
_AUTHORITY_LINE = re.compile(r"^(?P<prefix>T/M|TM\.?|KT\.?|TL\.?|TUQ\.?|Q\.)\s*(?P<body>.*)$")
_ON_BEHALF = {"T/M", "TM", "TM."}

_REFERENCE = re.compile(
    rf"(?:(?P<kind>(?i:{'|'.join(_REFERENCE_KINDS)}))\s+(?:(?i:số)\s*:?\s*)?)?"
    rf"(?<![\w/-])(?P<number>{_NUMBER})(?![\w])"
)
_REFERENCE_DATE = re.compile(
    r"^[\s,]{0,3}(?:ban hành\s+)?ngày\s+(?:"
    r"(?P<d1>\d{1,2})\s*[/.-]\s*(?P<m1>\d{1,2})\s*[/.-]\s*(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))"
)

_EFFECTIVE = [re.compile(cue, re.IGNORECASE) for cue in cues("effective")]
_MAX_LEADING_TITLE_CHARS = 200
_MAX_HEADER_LINES = 40
_MAX_TITLE_LINE_CHARS = 500
_MAX_SIGNATURE_LINES = 8
_MAX_SIGNATURE_LINE_CHARS = 80


@dataclass(frozen=True)
class _Header:
    """The lines before the preamble, markdown-free (``clean``) and as written (``raw``)."""

    raw: list[str]
    clean: list[str]


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def extract_metadata(text: str) -> DocumentMetadata:
    """Extract the header, preamble and signature facts of one NFC document text."""
    raw_lines = text.splitlines()
    clean_lines = [_clean(line) for line in raw_lines]
    end = _header_end(clean_lines)
    header = _Header(raw=raw_lines[:end], clean=clean_lines[:end])

    number, number_raw = _number(header)
    place, iso_date, precision, date_text = _date_line(raw_lines)
    type_index, type_line = _type_line(header)
    doc_type = type_line or _type_from_number(number_raw) or _type_from_subject(header)
    leading_type, leading_title = _leading_title(clean_lines)
    if type_line is None and leading_type:
        doc_type = leading_type
    authority, position, signer = _signature(clean_lines)

    return DocumentMetadata(
        doc_type=doc_type,
        number=number,
        number_raw=number_raw,
        place=place,
        date=iso_date,
        date_precision=precision,
        date_text=date_text,
        issuer=(
            _issuer_from_header(header)
            or _issuer_from_preamble(clean_lines, end)
            or _issuer_from_authority(authority)
        ),
        title=_typed_title(header, type_index, type_line) or _subject_title(header) or leading_title,
        recipients=_recipients(header),
        cc=_cc(clean_lines),
        signer_name=signer,
        signer_position=position,
        signer_authority=authority,
        references=_references(text, number),
        effective_date=_effective_date(text),
    )


# --------------------------------------------------------------------------------------------
# Lines and blocks
# --------------------------------------------------------------------------------------------


def _clean(line: str) -> str:
    """A line without markdown emphasis and with single spaces: ``**BAN XÂY DỰNG ĐẢNG**`` → ``BAN XÂY DỰNG ĐẢNG``."""
    return " ".join(strip_markdown(line).split())


def _header_end(clean_lines: list[str]) -> int:
    """Index of the first line after the header: the preamble, a section heading or "Nơi nhận"."""
    for index, line in enumerate(clean_lines[:_MAX_HEADER_LINES]):
        if _PREAMBLE_OPENER.match(line) or _SECTION_HEADING.match(line) or _CC_LABEL.match(line):
            return index
    return min(len(clean_lines), _MAX_HEADER_LINES)


def _is_caps_line(line: str) -> bool:
    """True for a line written in capitals, such as ``BAN XÂY DỰNG ĐẢNG`` or ``T/M BAN THƯỜNG VỤ``."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _is_motto(line: str) -> bool:
    return fold_diacritics(" ".join(line.upper().split())) in _MOTTO_LINES


def _bullet_items(clean_lines: list[str], start: int, first: str = "") -> list[str]:
    """Collect a list that starts at ``start``: ``first`` (text on the label line) then bullet lines.

    Blank lines between bullets are skipped; the list ends at the first other line, except that a
    single recipient may be written without a bullet (``Kính gửi:`` / ``Ban Thường vụ Thành ủy``).
    """
    items = [item for item in [_clean_item(first)] if item]
    for line in clean_lines[start:]:
        if not line:
            continue
        if not _BULLET.match(line):
            if not items and _is_lone_item(line):
                items.append(_clean_item(line))
            break
        item = _clean_item(line)
        if item:
            items.append(item)
    return items


def _is_lone_item(line: str) -> bool:
    """A short line that is neither body text, a heading nor part of the signature block."""
    return not (
        len(line) > _MAX_SIGNATURE_LINE_CHARS
        or _PREAMBLE_OPENER.match(line)
        or _SECTION_HEADING.match(line)
        or _is_caps_line(line)
        or _is_person_name(line)
    )


def _clean_item(item: str) -> str:
    """``- Các chi bộ trực thuộc,`` → ``Các chi bộ trực thuộc``; parentheticals like ``(để b/c)`` stay."""
    item = _BULLET.sub("", _clean(item))
    return item.rstrip(" ,;.").strip()


# --------------------------------------------------------------------------------------------
# Number, type, date
# --------------------------------------------------------------------------------------------


def _number(header: _Header) -> tuple[str | None, str | None]:
    """The document's own number and the text it was written as.

    ``Số 307-CV/ĐU`` → ``("307-CV/ĐU", "Số 307-CV/ĐU")``; ``Số: 12/QĐ-UBND`` → ``("12/QĐ-UBND", …)``;
    a number left blank for the clerk, ``Số -CV/BXDD`` or ``Số - KH/ĐU``, → ``(None, "Số -CV/BXDD")``.
    """
    for line in header.raw:
        match = _NUMBER_LINE.match(line)
        if match:
            value = re.sub(r"\s+", "", match.group("value"))
            return (value if value[0].isdigit() else None), match.group("raw").strip()
    return None, None


def _type_line(header: _Header) -> tuple[int | None, str | None]:
    """The type line in capitals (``KẾ HOẠCH`` → ``Kế hoạch``) and its index in the header."""
    for index, line in enumerate(header.clean):
        doc_type = _type_of_line(line)
        if doc_type:
            return index, doc_type
    return None, None


def _type_of_line(line: str) -> str | None:
    """``KẾ HOẠCH`` → ``Kế hoạch``; any line that is not exactly a type in capitals → ``None``."""
    if not _is_caps_line(line):
        return None
    return next((doc_type for doc_type in _DOC_TYPES if line == doc_type.upper()), None)


def _type_from_number(number_raw: str | None) -> str | None:
    """The type encoded in the number, even a blank one: ``Số -CV/BXDD`` → ``Công văn``."""
    if not number_raw:
        return None
    code = re.search(r"[-/]\s*([A-ZĐ][A-Za-zĐđ]*)", number_raw)
    found = type_by_code(code.group(1)) if code else None
    return found.name if found else None


def _leading_title(clean_lines: list[str]) -> tuple[str | None, str | None]:
    """A document whose first line is its name, as law collections are kept: ``Luật Cư trú``,
    ``Bộ luật dân sự``, ``Nghị định về …`` → (type, title). Other first lines → (None, None)."""
    first = next((line for line in clean_lines if line), "")
    if not first or len(first) > _MAX_LEADING_TITLE_CHARS or first.endswith((":", ".", ";")):
        return None, None
    for name in _DOC_TYPES:
        if first == name or first.startswith(name + " "):
            return name, first
    return None, None


def _effective_date(text: str) -> str | None:
    """When the document takes effect, if it says so: ``có hiệu lực thi hành từ ngày 01 tháng 7
    năm 2021`` → ``2021-07-01``; ``có hiệu lực kể từ ngày ký`` → ``ký``."""
    for cue in _EFFECTIVE:
        match = cue.search(text)
        if not match:
            continue
        when = match.group("date")
        if when.startswith("ký"):
            return "ký"
        numbers = re.findall(r"\d+", when)
        if len(numbers) == 3:
            iso, _ = _iso_date(numbers[2], numbers[1], numbers[0])
            if iso:
                return iso
    return None


def _type_from_subject(header: _Header) -> str | None:
    """A ``V/v …`` ("về việc") subject line is the mark of a Công văn."""
    has_vv = any(line.lower().startswith("v/v ") for line in header.clean)
    return "Công văn" if has_vv else None


def _date_line(raw_lines: list[str]) -> tuple[str | None, str | None, str | None, str | None]:
    """Place, ISO date, precision and verbatim text of the first place-and-date line.

    ``Đồ Sơn, ngày tháng 01 năm 2026`` (day left blank) → ``("Đồ Sơn", "2026-01", "month", …)``.
    """
    for raw in raw_lines:
        line = _clean(raw)
        match = _DATE_LINE.match(line)
        if not match:
            continue
        place = match.group("place")
        if place and not place[0].isupper():
            place = None
        iso, precision = _iso_date(match.group("year"), match.group("month"), match.group("day"))
        return place, iso, precision, raw.strip().strip("*_ ")
    return None, None, None, None


def _iso_date(year: str, month: str | None, day: str | None) -> tuple[str | None, str | None]:
    """ISO date with the precision stated; an impossible date (``31/02``) gives ``(None, None)``."""
    try:
        if month and day:
            return date(int(year), int(month), int(day)).isoformat(), "day"
        if month:
            return date(int(year), int(month), 1).strftime("%Y-%m"), "month"
        return f"{int(year):04d}", "year"
    except ValueError:
        return None, None


# --------------------------------------------------------------------------------------------
# Title
# --------------------------------------------------------------------------------------------


def _is_header_field(line: str) -> bool:
    """Header lines that carry a field of their own: number, date, type, subject, recipients."""
    return bool(
        _NUMBER_LINE.match(line)
        or _DATE_LINE.match(line)
        or _type_of_line(line)
        or _SUBJECT_LINE.match(line)
        or _RECIPIENTS_LABEL.search(line)
    )


def _is_title_stop(line: str) -> bool:
    """Lines that end a wrapped title: recipients, number, date, the motto, and body text (a
    line ending in ``:`` such as ``… như sau:``, or a paragraph too long to be a title line)."""
    return bool(
        line.endswith(":")
        or len(line) > _MAX_TITLE_LINE_CHARS
        or _RECIPIENTS_LABEL.search(line)
        or _NUMBER_LINE.match(line)
        or _DATE_LINE.match(line)
        or _is_motto(line)
    )


def _typed_title(header: _Header, type_index: int | None, doc_type: str | None) -> str | None:
    """Type plus the title lines under it.

    ``KẾ HOẠCH`` / ``Tuyên truyền triển khai …`` → ``Kế hoạch tuyên truyền triển khai …``;
    a caps line is re-cased: ``CỦA BAN THƯỜNG VỤ ĐẢNG ỦY`` → ``của Ban Thường vụ Đảng ủy``.
    """
    if type_index is None or doc_type is None:
        return None
    parts: list[str] = []
    for line in header.clean[type_index + 1 :]:
        if not line:
            continue
        if _is_title_stop(line):
            break
        if parts and _is_caps_line(line) and not _is_caps_line(parts[-1]) and _ENACTING_BODY.match(
            normalize_tone_placement(line)
        ):
            break  # "Về việc …" / "ỦY BAN NHÂN DÂN PHƯỜNG X": the body that decides, not the title
        parts.append(_org_case(line, capitalise_first=False) if _is_caps_line(line) else line)
    if not parts:
        return None
    return f"{doc_type} {_lower_first_word(' '.join(parts))}"


def _subject_title(header: _Header) -> str | None:
    """The subject of a Công văn, wrapped lines joined: ``V/v tuyên truyền … lĩnh vực Y tế``."""
    for index, line in enumerate(header.clean):
        if not _SUBJECT_LINE.match(line):
            continue
        parts = [line]
        for following in header.clean[index + 1 :]:
            if not following or _is_title_stop(following):
                break
            parts.append(following)
        return " ".join(parts)
    return None


def _lower_first_word(title: str) -> str:
    """``Tuyên truyền …`` → ``tuyên truyền …``, ``Về việc …`` → ``về việc …``; ``HĐND …`` stays."""
    first, _, rest = title.partition(" ")
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}".strip()


# --------------------------------------------------------------------------------------------
# Issuer
# --------------------------------------------------------------------------------------------


def _issuer_from_header(header: _Header) -> str | None:
    """The caps lines at the very top, most specific body first.

    ``ĐẢNG ỦY PHƯỜNG ĐỒ SƠN`` / ``BAN XÂY DỰNG ĐẢNG`` → ``Ban Xây dựng Đảng, Đảng ủy phường Đồ Sơn``.
    The motto (``ĐẢNG CỘNG SẢN VIỆT NAM``) and lines without letters are skipped; the first other
    line (number, date, type, subject, body text, a signature's ``T/M …``) ends the issuer.
    """
    bodies: list[str] = []
    for line in header.clean:
        if not any(ch.isalpha() for ch in line) or _is_motto(line):
            continue
        if _is_header_field(line) or not _is_caps_line(line) or _AUTHORITY_LINE.match(line):
            break
        if bodies and not _BODY_HEADS.match(normalize_tone_placement(line)):
            bodies[-1] = f"{bodies[-1]} {line}"
        else:
            bodies.append(line)
    if not bodies:
        return None
    return ", ".join(_org_case(body) for body in reversed(bodies))


def _issuer_from_preamble(clean_lines: list[str], header_end: int) -> str | None:
    """The body named in the preamble's operative phrase.

    ``Thực hiện …; Ban Thường vụ Thành ủy ban hành Kế hoạch …`` → ``Ban Thường vụ Thành ủy``;
    ``…, Đảng ủy phường Nguyễn Nghiêm yêu cầu:`` → ``Đảng ủy phường Nguyễn Nghiêm``.
    """
    preamble = next((line for line in clean_lines[header_end:] if line), "")
    if _SECTION_HEADING.match(preamble):
        return None
    for match in _PREAMBLE_ISSUER.finditer(preamble):
        body = match.group("body").strip()
        if body and body[0].isupper() and len(body.split()) <= 12:
            return body
    return None


def _issuer_from_authority(authority: str | None) -> str | None:
    """The body a signer signs on behalf of: ``T/M BAN THƯỜNG VỤ`` → ``Ban Thường vụ``."""
    if not authority:
        return None
    match = _AUTHORITY_LINE.match(authority)
    if not match or match.group("prefix") not in _ON_BEHALF or not match.group("body"):
        return None
    return _org_case(match.group("body"))


def _org_case(caps: str, capitalise_first: bool = True) -> str:
    """Re-case a body name written in capitals, following the usual Vietnamese conventions.

    ``ĐẢNG ỦY PHƯỜNG ĐỒ SƠN`` → ``Đảng ủy phường Đồ Sơn``; ``BAN XÂY DỰNG ĐẢNG`` → ``Ban Xây dựng
    Đảng``; ``ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI`` → ``Ủy ban nhân dân thành phố Hà Nội``.
    "Đảng" is always capitalised, "Ban" and the word after it too (``Ban Thường vụ``), place names
    after an administrative unit or a committee (``Thành ủy Hải Phòng``) are title-cased,
    acronyms (``HĐND``) stay in capitals. It is a heuristic: an unknown proper noun in the middle
    of a caps line comes out in lower case.
    """
    written = normalize_tone_placement(caps).split()
    words = [word.lower() for word in written]
    capitalised = _capitalised_positions(words)
    if capitalise_first and words:
        capitalised.add(0)
    out = []
    for index, (word, lower) in enumerate(zip(written, words, strict=True)):
        if word.upper() in _ACRONYMS or not set(fold_diacritics(lower)) & _VOWELS:
            out.append(word)
        else:
            out.append(lower.capitalize() if index in capitalised else lower)
    return " ".join(out)


def _capitalised_positions(words: list[str]) -> set[int]:
    """Indices of the lower-cased ``words`` that a body name writes with a capital."""
    positions = {index for index, word in enumerate(words) if word == "đảng"}
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word == "ban" and (index == 0 or words[index - 1] != "ủy"):
            positions |= {index, index + 1}
        if word in _PLACE_COMMITTEES and following == "ủy":
            positions.add(index)
    place_start = _place_name_start(words)
    if place_start is not None:
        positions |= set(range(place_start, len(words)))
    return positions


def _place_name_start(words: list[str]) -> int | None:
    """Where the place name begins: after ``phường``/``thành phố``…, or after ``Thành ủy``…"""
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _PLACE_COMMITTEES and following == "ủy":
            return index + 2
        if f"{word} {following}" in _ADMIN_UNITS:
            return index + 2
        if word in _ADMIN_UNITS and following not in ("ủy", "hội", ""):  # not "Tỉnh ủy", "xã hội"
            return index + 1
    return None


# --------------------------------------------------------------------------------------------
# Recipients and copies
# --------------------------------------------------------------------------------------------


def _recipients(header: _Header) -> list[str]:
    """Items after ``Kính gửi:``, on the same line (``Kính gửi: - Ủy ban nhân dân phường,``) or below."""
    for index, line in enumerate(header.clean):
        label = _RECIPIENTS_LABEL.search(line)
        if label:
            return _bullet_items(header.clean, index + 1, first=line[label.end() :])
    return []


def _cc(clean_lines: list[str]) -> list[str]:
    """Items after the last ``Nơi nhận:``, e.g. ``Thường trực Đảng ủy (để b/c)``."""
    start = _cc_label_index(clean_lines)
    if start is None:
        return []
    label = _CC_LABEL.match(clean_lines[start])
    first = clean_lines[start][label.end() :] if label else ""
    return _bullet_items(clean_lines, start + 1, first=first)


def _cc_label_index(clean_lines: list[str]) -> int | None:
    indices = [index for index, line in enumerate(clean_lines) if _CC_LABEL.match(line)]
    return indices[-1] if indices else None


# --------------------------------------------------------------------------------------------
# Signature
# --------------------------------------------------------------------------------------------


def _signature(clean_lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """Authority, position and name of the signer, from the short lines at the end.

    ``T/M BAN THƯỜNG VỤ`` / ``PHÓ BÍ THƯ`` / ``Nguyễn Thị Thuý Tình`` → all three; a name alone
    (``Đỗ Mạnh Hiến``) → ``(None, None, "Đỗ Mạnh Hiến")``. Other short lines between position and
    name (``Mã QR tài liệu Nghị quyết``) are ignored.
    """
    zone = _signature_zone(clean_lines)
    authority = next((line for line in zone if _AUTHORITY_LINE.match(line) and _is_caps_line(line)), None)
    position = next((line for line in zone if _is_position(line) and line != authority), None)
    name = next((line for line in reversed(zone) if _is_person_name(line)), None)
    return authority, position, name


def _signature_zone(clean_lines: list[str]) -> list[str]:
    """The trailing short, non-bullet lines of the document (non-empty, in order).

    When the document ends with the "Nơi nhận" list instead, the lines just before it.
    """
    zone = _trailing_short_lines(clean_lines)
    cc_index = _cc_label_index(clean_lines)
    if not zone and cc_index is not None:
        zone = _trailing_short_lines(clean_lines[:cc_index])
    return zone


def _trailing_short_lines(clean_lines: list[str]) -> list[str]:
    zone: list[str] = []
    for line in reversed(clean_lines):
        if not line:
            continue
        if (
            _BULLET.match(line)
            or len(line) > _MAX_SIGNATURE_LINE_CHARS
            or line.endswith(("./.", ":"))
            or len(zone) >= _MAX_SIGNATURE_LINES
        ):
            break
        zone.append(line)
    return list(reversed(zone))


def _is_position(line: str) -> bool:
    """A caps line such as ``PHÓ BÍ THƯ``, not a heading (``IV. TỔ CHỨC THỰC HIỆN``) or the motto."""
    return _is_caps_line(line) and not (_SECTION_HEADING.match(line) or _is_motto(line))


def _is_person_name(line: str) -> bool:
    """2–5 capitalised syllables and nothing else: ``Nguyễn Thị Ước``, not ``Mã QR tài liệu``."""
    words = line.split()
    return 2 <= len(words) <= 5 and all(
        word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower()) for word in words
    )


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------


def _references(text: str, own_number: str | None) -> list[DocumentReference]:
    """Every cited document number, first mention first, one entry per number.

    ``Chỉ thị số 25-CT/TW ngày 25/10/2023`` → kind ``Chỉ thị``, number ``25-CT/TW``, date
    ``2023-10-25``, text ``Chỉ thị số 25-CT/TW`` (the date is not part of ``text``). A kind or
    date missing at the first mention is taken from a later mention of the same number.
    """
    found: dict[str, DocumentReference] = {}
    for match in _REFERENCE.finditer(text):
        number = re.sub(r"\s+", "", match.group("number"))
        if number == own_number:
            continue
        kind = _KIND_BY_LOWER.get(match.group("kind").lower()) if match.group("kind") else None
        cited_on = _reference_date(text[match.end() : match.end() + 40])
        known = found.get(number)
        if known is None:
            found[number] = DocumentReference(kind=kind, number=number, date=cited_on, text=match.group(0))
        else:
            known.kind = known.kind or kind
            known.date = known.date or cited_on
    return list(found.values())


def _reference_date(after: str) -> str | None:
    """ISO date stated right after a number: ``, ngày 09/9/2025`` → ``2025-09-09``."""
    match = _REFERENCE_DATE.match(after)
    if not match:
        return None
    day, month, year = (match.group("d1"), match.group("m1"), match.group("y1"))
    if year is None:
        day, month, year = (match.group("d2"), match.group("m2"), match.group("y2"))
    iso, _ = _iso_date(year, month, day)
    return iso
