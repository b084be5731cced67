"""Turn document files (.txt, .md, .docx, .pdf, .html) into clean Unicode text.

Every loader returns text normalised the same way (:func:`hoidap.vntext.clean_document_text`): Unicode NFC, ``\\n`` line
endings, no BOM, no control characters other than ``\\n`` and ``\\t``, trailing blanks stripped from
each line. Nothing else is rewritten — bullets, blank lines and markdown asterisks stay as they
are — because answers quote this text verbatim.

Anything that cannot be turned into text raises :class:`LoadError`, whose message is one line
naming the file and the cause. Files that would cost too much to parse (a zip bomb posing as a
.docx, a PDF with millions of objects, HTML nested thousands deep) are refused before the costly
step, against :class:`~hoidap.ingest.limits.ParseLimits`; the message names the setting.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag
from docx.oxml.ns import qn
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from hoidap.ingest.limits import RATIO_MIN_MEMBER_BYTES, ParseLimits, size_text
from hoidap.vntext import clean_document_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph
    from lxml.etree import _Element

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class LoadError(Exception):
    """A file that cannot be turned into text.

    ``str(err)`` is one line naming the file and the cause, in Vietnamese with the technical cause
    in English in parentheses, e.g.
    ``data/x.docx: tệp .docx bị hỏng, không đọc được (BadZipFile: File is not a zip file)``.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type[LoadError], tuple[Path, str]]:
        return (type(self), (self.path, self.reason))


# --------------------------------------------------------------------------------------------
# Public entry points


def load_text(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES, limits: ParseLimits | None = None) -> str:
    """Return the text of the document at ``path``, normalised by :func:`hoidap.vntext.clean_document_text`.

    The format is chosen by the file suffix (:data:`SUPPORTED_SUFFIXES`). Raises
    :class:`LoadError` for an unsupported suffix, a missing or unreadable file, a file larger
    than ``max_bytes``, a file beyond ``limits`` (default :class:`ParseLimits`), a corrupt file, a
    binary file posing as text, or a file with no text.

    This runs in the calling process; uploads and ``hoidap ingest`` go through
    :func:`hoidap.ingest.sandbox.load_text_isolated`, which adds CPU-time and memory limits.
    """
    limits = limits or ParseLimits()
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        shown = suffix or "(không có đuôi)"
        raise LoadError(
            path, f"định dạng {shown} không được hỗ trợ (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    _check_file(path, max_bytes)
    text = clean_document_text(loader(path, limits))
    if len(text) > limits.max_text_chars:
        raise LoadError(
            path,
            f"tệp cho ra quá nhiều văn bản: {len(text)} ký tự, giới hạn {limits.max_text_chars} "
            "(HOIDAP_PARSE_MAX_TEXT_CHARS)",
        )
    if not text.strip():
        raise LoadError(path, "tệp rỗng, không có nội dung văn bản (empty after extraction)")
    return text


def iter_corpus_files(folder: Path | str) -> list[Path]:
    """All supported documents under ``folder``, recursively, sorted by path.

    Hidden files and folders (name starting with ``.``) and Office lock files (``~$…``) are
    skipped; symbolic links to folders are not followed. Raises :class:`LoadError` when
    ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(folder, "không phải thư mục hoặc không tồn tại (not a directory)")
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith((".", "~$")):
                continue
            if os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES:
                found.append(Path(root) / name)
    return sorted(found)




# --------------------------------------------------------------------------------------------
# Shared helpers


def _cause(exc: BaseException) -> str:
    """``ExcType: message`` on one short line, for the parenthesised technical cause."""
    message = " ".join(str(exc).split())
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _check_file(path: Path, max_bytes: int) -> None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise LoadError(path, "không tìm thấy tệp (FileNotFoundError)") from None
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({_cause(exc)})") from exc
    if not path.is_file():
        raise LoadError(path, "không phải tệp thông thường (not a regular file)")
    if stat.st_size == 0:
        raise LoadError(path, "tệp rỗng (0 byte)")
    if stat.st_size > max_bytes:
        raise LoadError(path, f"tệp quá lớn: {stat.st_size} byte, giới hạn {max_bytes} byte (file too large)")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({_cause(exc)})") from exc


# --------------------------------------------------------------------------------------------
# Plain text: .txt, .md

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that real text files do not contain (tab, line breaks and form feed allowed).
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_NOT_TEXT = "tệp không phải văn bản (binary data, not text)"
_NOT_DECODABLE = "tệp không phải văn bản hoặc dùng bảng mã không hỗ trợ (not text in UTF-8, UTF-16 or CP1258)"


def _load_plain(path: Path, limits: ParseLimits) -> str:
    return _decode_text_bytes(_read_bytes(path), path)


def _decode_text_bytes(data: bytes, path: Path) -> str:
    """Decode the bytes of a text file: BOM, then UTF-8, UTF-16 (by NUL pattern), then CP1258."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise LoadError(path, f"tệp có BOM {encoding} nhưng nội dung hỏng ({_cause(exc)})") from exc
            if not _few_controls(text):
                raise LoadError(path, _NOT_TEXT)
            return text
    if b"\x00" in data:
        text = _decode_bomless_utf16(data)
        if text is None:
            raise LoadError(path, "tệp không phải văn bản, có byte NUL (binary data, not text)")
        return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _few_controls(text):
            raise LoadError(path, _NOT_TEXT)
        return text
    try:
        # Python's cp1258 gives base letters + combining tone marks; clean_document_text composes them.
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise LoadError(path, _NOT_DECODABLE) from None
    if not _looks_like_legacy_text(text):
        raise LoadError(path, _NOT_DECODABLE)
    return text


def _decode_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 text without a BOM, recognised by NUL bytes on one side of each byte pair."""
    pairs = len(data) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls >= 0.2 * pairs and even_nuls <= 0.02 * pairs:
        encoding = "utf-16-le"
    elif even_nuls >= 0.2 * pairs and odd_nuls <= 0.02 * pairs:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _few_controls(text) else None


def _few_controls(text: str) -> bool:
    """At most one stray control character per hundred characters."""
    return len(_BAD_CONTROLS.findall(text)) <= len(text) / 100


def _looks_like_legacy_text(text: str) -> bool:
    """Stricter test for single-byte decodings, which accept almost any bytes.

    Allows almost no control characters (a trailing Ctrl-Z from DOS is tolerated) and needs
    letters to make up at least half of the non-blank characters.
    """
    if len(_BAD_CONTROLS.findall(text.rstrip("\x1a"))) > len(text) / 1000:
        return False
    sample = text[:200_000]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible:
        return True  # whitespace only: reported as empty by load_text
    letters = sum(1 for ch in visible if ch.isalpha() or unicodedata.category(ch).startswith("M"))
    return letters >= 0.5 * len(visible)


# --------------------------------------------------------------------------------------------
# Word: .docx


def check_zip(path: Path, limits: ParseLimits, kind: str = ".docx") -> None:
    """Refuse a zip-based file (.docx, …) whose members would expand beyond ``limits``, reading
    only the central directory: nothing is decompressed here.

    Python's ``zipfile`` never inflates a member past its declared size (it stops and reports a
    bad CRC), so checking the declared sizes bounds what python-docx will decompress.
    """
    try:
        with zipfile.ZipFile(path) as archive:  # python-docx would hide why a non-zip file fails
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise LoadError(path, f"tệp {kind} bị hỏng, không đọc được ({_cause(exc)})") from exc
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({_cause(exc)})") from exc
    if len(members) > limits.max_zip_members:
        raise LoadError(
            path,
            f"tệp {kind} có quá nhiều thành phần: {len(members)}, giới hạn {limits.max_zip_members} "
            "(HOIDAP_PARSE_MAX_ZIP_MEMBERS)",
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise LoadError(
            path,
            f"tệp {kind} khi giải nén quá lớn: {size_text(total)}, giới hạn "
            f"{size_text(limits.max_uncompressed_bytes)} (HOIDAP_PARSE_MAX_UNCOMPRESSED_BYTES); "
            "có thể là tệp “bom nén” (zip bomb)",
        )
    for member in members:
        if member.file_size < RATIO_MIN_MEMBER_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise LoadError(
                path,
                f"tệp {kind} có thành phần nén bất thường ({member.filename}: tỉ lệ nén {ratio:.0f}:1, "
                f"giới hạn {limits.max_compression_ratio:.0f}:1, HOIDAP_PARSE_MAX_COMPRESSION_RATIO); "
                "có thể là tệp “bom nén” (zip bomb)",
            )


def _load_docx(path: Path, limits: ParseLimits) -> str:
    check_zip(path, limits)
    try:
        document = docx.Document(str(path))
        numbering = _DocxNumbering(document)
        blocks: list[str] = []
        previous_was_list_item = False
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = _docx_table_rows(item)
                if rows:
                    blocks.append("\n".join(rows))
                previous_was_list_item = False
                continue
            text = item.text
            if not text.strip():
                continue
            marker = numbering.marker(item)
            if marker is not None:
                text = f"{marker} {text}" if marker else text
                if previous_was_list_item and blocks:
                    blocks[-1] += "\n" + text  # consecutive list items: one per line
                else:
                    blocks.append(text)
                previous_was_list_item = True
            else:
                blocks.append(text)
                previous_was_list_item = False
    except Exception as exc:  # python-docx raises many kinds of errors on damaged files
        raise LoadError(path, f"tệp .docx bị hỏng, không đọc được ({_cause(exc)})") from exc
    return "\n\n".join(blocks)


def _docx_table_rows(table: Table) -> list[str]:
    """One line per row, cells joined with `` | ``; merged cells counted once, empty cells left out."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(part.strip() for part in cell.text.split("\n") if part.strip())
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


_BULLET_TEXTS = ("-", "+", "*", "•")


class _DocxNumbering:
    """Renders Word list numbering (``1.``, ``a)``, bullets as ``-``) for list paragraphs.

    Best effort: counters are kept per list (``numId``) and level, restarting deeper levels when
    a shallower one advances; ``lvlOverride`` and ``isLgl`` are ignored.
    """

    def __init__(self, document: DocxDocument) -> None:
        self._abstract_of: dict[str, str] = {}
        self._levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._counters: dict[str, list[int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return
        for num in root.findall(qn("w:num")):
            abstract = num.find(qn("w:abstractNumId"))
            if abstract is not None:
                self._abstract_of[num.get(qn("w:numId"), "")] = abstract.get(qn("w:val"), "")
        for abstract in root.findall(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"), "")
            for lvl in abstract.findall(qn("w:lvl")):
                fmt = self._val(lvl, "w:numFmt") or "decimal"
                text = self._val(lvl, "w:lvlText") or ""
                start = self._val(lvl, "w:start") or "1"
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                self._levels[(abstract_id, ilvl)] = (fmt, text, int(start) if start.isdigit() else 1)

    def _val(self, element: _Element, tag: str) -> str | None:
        child = element.find(qn(tag))
        return None if child is None else child.get(qn("w:val"))

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph's own properties or its style chain."""
        num_id: str | None = None
        ilvl: int | None = None
        p_pr_sources = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            p_pr_sources.append(style.element.find(qn("w:pPr")))
            style = style.base_style
        for p_pr in p_pr_sources:
            num_pr = None if p_pr is None else p_pr.find(qn("w:numPr"))
            if num_pr is None:
                continue
            if num_id is None:
                num_id = self._val(num_pr, "w:numId")
            if ilvl is None:
                level = self._val(num_pr, "w:ilvl")
                ilvl = int(level) if level and level.isdigit() else None
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0

    def marker(self, paragraph: Paragraph) -> str | None:
        """The list marker for a list paragraph ("" for format none), None if not in a list."""
        num_pr = self._num_pr(paragraph)
        if num_pr is None:
            return None
        num_id, ilvl = num_pr
        abstract_id = self._abstract_of.get(num_id)
        level = self._levels.get((abstract_id, ilvl)) if abstract_id is not None else None
        if level is None:
            return None  # numbering that is not defined shows nothing in Word either
        fmt, lvl_text, _start = level
        if fmt == "bullet":
            return lvl_text if lvl_text in _BULLET_TEXTS else "-"
        counters = self._counters.setdefault(num_id, [None] * 10)
        ilvl = min(ilvl, 9)
        current = counters[ilvl]
        counters[ilvl] = current + 1 if current is not None else self._start(abstract_id, ilvl)
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = None
        if fmt == "none":
            return ""

        def substitute(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            sub_fmt = self._levels.get((abstract_id, index), ("decimal", "", 1))[0]
            value = counters[index] if 0 <= index < 10 else None
            return _format_number(value if value is not None else self._start(abstract_id, index), sub_fmt)

        return re.sub(r"%([1-9])", substitute, lvl_text).strip()

    def _start(self, abstract_id: str | None, ilvl: int) -> int:
        level = self._levels.get((abstract_id or "", ilvl))
        return level[2] if level else 1


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        n = value
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(ord("a") + rem) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _to_roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(value)


def _to_roman(value: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = []
    for number, numeral in numerals:
        count, value = divmod(value, number)
        out.append(numeral * count)
    return "".join(out) or str(value)


# --------------------------------------------------------------------------------------------
# PDF


def _pdf_object_count(reader: PdfReader) -> int:
    """Objects the file declares (trailer ``/Size``), or those its cross-reference tables list."""
    declared = reader.trailer.get("/Size")
    listed = sum(len(table) for table in reader.xref.values()) + len(reader.xref_objStm)
    return max(int(declared) if isinstance(declared, int) else 0, listed)


def _load_pdf(path: Path, limits: ParseLimits) -> str:
    try:
        reader = PdfReader(path)
        objects = _pdf_object_count(reader)
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError, … on damaged files
        raise LoadError(path, f"tệp .pdf bị hỏng, không đọc được ({_cause(exc)})") from exc
    if objects > limits.max_pdf_objects:
        raise LoadError(
            path,
            f"tệp .pdf có quá nhiều đối tượng: {objects}, giới hạn {limits.max_pdf_objects} "
            "(HOIDAP_PARSE_MAX_PDF_OBJECTS)",
        )
    if reader.is_encrypted:
        try:
            unlocked = reader.decrypt("")  # many "protected" PDFs have an empty user password
        except Exception as exc:
            raise LoadError(path, f"tệp .pdf được mã hoá, không giải mã được ({_cause(exc)})") from exc
        if not unlocked:
            raise LoadError(path, "tệp .pdf được bảo vệ bằng mật khẩu, không đọc được (encrypted)")
    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise LoadError(path, f"tệp .pdf bị hỏng, không đọc được danh sách trang ({_cause(exc)})") from exc
    if not page_count:
        raise LoadError(path, "tệp .pdf không có trang nào (no pages)")
    if page_count > limits.max_pdf_pages:
        raise LoadError(
            path,
            f"tệp .pdf có quá nhiều trang: {page_count}, giới hạn {limits.max_pdf_pages} (HOIDAP_PARSE_MAX_PDF_PAGES)",
        )
    texts: list[str] = []
    extracted = 0
    for number in range(1, page_count + 1):
        try:
            text = (reader.pages[number - 1].extract_text() or "").strip()
        except LimitReachedError as exc:
            raise LoadError(
                path, f"tệp .pdf có luồng dữ liệu giải nén quá lớn ở trang {number} ({_cause(exc)})"
            ) from exc
        except Exception as exc:
            raise LoadError(
                path, f"tệp .pdf bị hỏng ở trang {number}, không đọc được ({_cause(exc)})"
            ) from exc
        if text:
            texts.append(text)
            extracted += len(text)
            if extracted > limits.max_text_chars:
                raise LoadError(
                    path,
                    f"tệp .pdf cho ra quá nhiều văn bản (hơn {limits.max_text_chars} ký tự, "
                    "HOIDAP_PARSE_MAX_TEXT_CHARS)",
                )
    if not texts:
        raise LoadError(
            path,
            "tệp .pdf không có lớp văn bản (có thể là bản scan); chưa hỗ trợ OCR (no extractable text)",
        )
    return "\n\n".join(texts)


# --------------------------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_DROPPED_TAGS = ("script", "style", "noscript", "template", "head", "nav", "header", "footer", "svg")
_PARAGRAPH_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 ul ol dl table blockquote pre section article main aside form fieldset "
    "figure figcaption address hr center details summary".split()
)
_LINE_TAGS = frozenset("dt dd caption".split())
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")


def _load_html(path: Path, limits: ParseLimits) -> str:
    data = _read_bytes(path)
    if len(data) > limits.max_html_bytes:
        raise LoadError(
            path,
            f"tệp HTML quá lớn: {size_text(len(data))}, giới hạn {size_text(limits.max_html_bytes)} "
            "(HOIDAP_PARSE_MAX_HTML_BYTES)",
        )
    markup = _decode_html_bytes(data, path)
    try:
        soup = BeautifulSoup(markup, "html.parser")
        depth = _html_depth(soup, stop_above=limits.max_html_depth)
        if depth > limits.max_html_depth:
            raise LoadError(
                path,
                f"tệp HTML lồng nhau quá sâu: hơn {limits.max_html_depth} cấp (HOIDAP_PARSE_MAX_HTML_DEPTH)",
            )
        for tag in soup(list(_DROPPED_TAGS)):
            tag.decompose()
        text = _render_html(soup, preformatted=False)
    except RecursionError as exc:
        raise LoadError(path, f"tệp HTML lồng nhau quá sâu, không đọc được ({_cause(exc)})") from exc
    return _tidy_html_text(text)


def _html_depth(root: Tag, stop_above: int) -> int:
    """Deepest element nesting under ``root``, walked without recursion; stops once past ``stop_above``."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > stop_above:
                break
        stack.extend((child, depth + 1) for child in node.contents if isinstance(child, Tag))
    return deepest


def _decode_html_bytes(data: bytes, path: Path) -> str:
    """A BOM wins; else the ``<meta charset>`` if it decodes; else the plain-text chain."""
    if not any(data.startswith(bom) for bom, _ in _BOMS):
        match = _META_CHARSET.search(data[:4096])
        if match:
            try:
                encoding = codecs.lookup(match.group(1).decode("ascii")).name
            except LookupError:
                encoding = None
            # A meta tag readable as ASCII cannot truthfully declare UTF-16/32 (HTML spec: use UTF-8).
            if encoding is not None and not encoding.startswith(("utf-16", "utf-32")):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError:
                    pass
                else:
                    if _few_controls(text):
                        return text
    return _decode_text_bytes(data, path)


class _Verbatim(str):
    """Text from inside ``<pre>``: whitespace kept as is."""


# Break pieces: _LINE is one line break, _PARAGRAPH a blank line. Consecutive block breaks merge;
# <br> adds up (two <br> make a blank line).
_LINE, _PARAGRAPH = 1, 2


def _render_html(node: Tag, *, preformatted: bool) -> str:
    """Text of a BeautifulSoup node: block elements become line breaks, list items get markers."""
    out: list[str] = []
    pending = 0
    for piece in _html_pieces(node, preformatted=preformatted):
        if isinstance(piece, int):
            # Block boundaries merge; <br> breaks (negative) add up.
            pending = max(pending, piece) if piece > 0 else min(pending - piece, _PARAGRAPH)
            continue
        at_line_start = pending > 0 or not out
        if at_line_start and not isinstance(piece, _Verbatim):
            piece = piece.lstrip(" ")
            if not piece:
                continue  # blanks between blocks
        if pending and out:
            out.append("\n" * pending)
        pending = 0
        out.append(piece)
    return "".join(out)


def _html_pieces(node: Tag, *, preformatted: bool) -> Iterator[str | int]:
    """Text pieces and break markers (positive: block break, merged; negative: <br>, added)."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA, …
                continue
            if preformatted:
                lines = str(child).split("\n")
                for index, line in enumerate(lines):
                    if index:
                        yield -_LINE
                    if line:
                        yield _Verbatim(line)
            else:
                yield _HTML_SPACES.sub(" ", str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        inner_pre = preformatted or name == "pre"
        if name == "br":
            yield -_LINE
        elif name == "li":
            inner = re.sub(r"\n{2,}", "\n", _render_html(child, preformatted=inner_pre).strip(" \n"))
            yield _LINE
            yield f"{_html_list_marker(child)} {inner}" if inner else ""
            yield _LINE
        elif name == "tr":
            yield _LINE
            yield _html_row(child)
            yield _LINE
        elif name in _PARAGRAPH_TAGS:
            yield _PARAGRAPH
            yield from _html_pieces(child, preformatted=inner_pre)
            yield _PARAGRAPH
        elif name in _LINE_TAGS:
            yield _LINE
            yield from _html_pieces(child, preformatted=inner_pre)
            yield _LINE
        else:
            yield from _html_pieces(child, preformatted=inner_pre)


def _html_list_marker(item: Tag) -> str:
    """``-`` for unordered lists; ``1.`` (or ``a)`` for ``type="a"``) for ordered lists."""
    parent = item.parent
    if parent is None or parent.name != "ol":
        return "-"
    start = parent.get("start", "1")
    first = int(start) if str(start).lstrip("-").isdigit() else 1
    number = first + len(item.find_previous_siblings("li"))
    if parent.get("type") == "a":
        return _format_number(number, "lowerLetter") + ")"
    return f"{number}."


def _html_row(row: Tag) -> str:
    cells = []
    for cell in row.find_all(["td", "th"], recursive=False):
        text = " ".join(_render_html(cell, preformatted=False).split())
        if text:
            cells.append(text)
    return " | ".join(cells)


def _tidy_html_text(text: str) -> str:
    """No-break spaces as plain spaces, at most one blank line in a row, no blank lines at the ends."""
    return re.sub(r"\n{3,}", "\n\n", text.replace("\xa0", " ")).strip("\n")


_LOADERS: dict[str, Callable[[Path, ParseLimits], str]] = {
    ".txt": _load_plain,
    ".md": _load_plain,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
    ".html": _load_html,
    ".htm": _load_html,
}
