"""Tests for hoidap.ingest.loaders on real files generated in tmp_path."""

from __future__ import annotations

import codecs
import pickle
import random
import unicodedata
import zipfile
from pathlib import Path

import docx
import docx.document
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter

from hoidap.ingest.loaders import (
    SUPPORTED_SUFFIXES,
    LoadError,
    iter_corpus_files,
    load_text,
)
from hoidap.vntext import clean_document_text
from tests.conftest import encode_cp1258

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO_ROOT / "data" / "corpus"

SENTENCE = "Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên"
# A small document in the corpus style: header, blank lines, bullets, markdown emphasis.
DOCUMENT = (
    "**ĐẢNG ỦY PHƯỜNG ĐỒ SƠN**\n"
    "\n"
    "*V/v tuyên truyền các Nghị quyết*\n"
    "\n"
    "e) " + SENTENCE + ";\n"
    "- Ưu tiên người cao tuổi, trẻ em dưới 6 tuổi;\n"
    " + Hỗ trợ đóng bảo hiểm y tế cho hộ cận nghèo;\n"
    "* Thực hiện\tđúng quy định.\n"
)



def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_load_error(path: Path, *fragments: str, **kwargs: int) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_text(path, **kwargs)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    assert info.value.path == path
    for fragment in fragments:
        assert fragment in message
    return info.value


def assert_clean(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\ufeff" not in text
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in text)
    assert all(line == line.rstrip() for line in text.split("\n"))


# ------------------------------------------------------------------------------------------
# Plain text


def test_txt_utf8_is_returned_verbatim(tmp_path: Path) -> None:
    text = load_text(write(tmp_path, "a.txt", DOCUMENT))
    assert text == DOCUMENT
    assert SENTENCE in text
    assert_clean(text)


def test_txt_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", codecs.BOM_UTF8 + DOCUMENT.encode("utf-8"))
    assert load_text(path) == DOCUMENT


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-16-le-nobom", "utf-16-be-nobom"])
def test_txt_utf16(tmp_path: Path, encoding: str) -> None:
    data = {
        "utf-16": DOCUMENT.encode("utf-16"),  # native order with BOM
        "utf-16-be-bom": codecs.BOM_UTF16_BE + DOCUMENT.encode("utf-16-be"),
        "utf-16-le-nobom": DOCUMENT.encode("utf-16-le"),
        "utf-16-be-nobom": DOCUMENT.encode("utf-16-be"),
    }[encoding]
    assert load_text(write(tmp_path, "u16.txt", data)) == DOCUMENT


def test_txt_utf32_with_bom(tmp_path: Path) -> None:
    assert load_text(write(tmp_path, "u32.txt", DOCUMENT.encode("utf-32"))) == DOCUMENT


def test_txt_cp1258_is_decoded_and_composed(tmp_path: Path) -> None:
    data = encode_cp1258(DOCUMENT)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    assert data.decode("cp1258") != DOCUMENT  # and decodes to combining marks before NFC
    text = load_text(write(tmp_path, "cp1258.txt", data))
    assert text == DOCUMENT
    assert_clean(text)


def test_txt_cp1258_with_dos_eof_marker(tmp_path: Path) -> None:
    path = write(tmp_path, "dos.txt", encode_cp1258(DOCUMENT.replace("\n", "\r\n")) + b"\x1a")
    assert load_text(path) == DOCUMENT


def test_nfd_input_comes_back_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", DOCUMENT)
    assert nfd != DOCUMENT
    assert load_text(write(tmp_path, "nfd.txt", nfd)) == DOCUMENT


def test_line_endings_controls_and_trailing_spaces(tmp_path: Path) -> None:
    raw = "Dòng một   \r\nDòng hai\t\rDòng ba\x07\x00?\f\n\n- gạch đầu dòng  \u2028" + SENTENCE + "\n"
    expected = "Dòng một\nDòng hai\nDòng ba?\n\n\n- gạch đầu dòng\n" + SENTENCE + "\n"
    assert clean_document_text(raw) == expected
    # A stray control character in a real file is dropped (a NUL would make the file binary).
    path = write(tmp_path, "crlf.txt", raw.replace("\x00", "") + SENTENCE * 3)
    assert load_text(path) == expected + SENTENCE * 3


def test_markdown_keeps_asterisks_and_bullets(tmp_path: Path) -> None:
    md = "# Kế hoạch\n\n**Mục tiêu:** " + SENTENCE + "\n\n* điểm một\n+ điểm hai\n- điểm ba\n"
    assert load_text(write(tmp_path, "plan.md", md)) == md


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert load_text(write(tmp_path, "UPPER.TXT", SENTENCE)) == SENTENCE


# ------------------------------------------------------------------------------------------
# Word


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH thực hiện Nghị quyết số 72-NQ/TW", style="Title")
    document.add_paragraph(SENTENCE + ".")
    document.add_paragraph("")  # empty paragraphs are spacing, not text
    document.add_paragraph("Ưu tiên người cao tuổi;", style="List Bullet")
    document.add_paragraph("Hỗ trợ hộ cận nghèo.", style="List Bullet")
    document.add_paragraph("Các chỉ tiêu:")
    document.add_paragraph("Tỷ lệ bao phủ bảo hiểm y tế;", style="List Number")
    document.add_paragraph("Tỷ lệ tiêm chủng đầy đủ.", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, (left, right) in zip(
        table.rows, [("Chỉ tiêu", "Năm 2030"), ("Bảo hiểm y tế", "98%"), ("Tiêm chủng", "95%")], strict=True
    ):
        row.cells[0].text = left
        row.cells[1].text = right
    document.add_paragraph("Nơi nhận: như trên.")
    document.save(str(path))
    return path


def test_docx_paragraphs_lists_and_table(tmp_path: Path) -> None:
    text = load_text(make_docx(tmp_path / "kehoach.docx"))
    assert text == (
        "KẾ HOẠCH thực hiện Nghị quyết số 72-NQ/TW\n"
        "\n" + SENTENCE + ".\n"
        "\n"
        "- Ưu tiên người cao tuổi;\n"
        "- Hỗ trợ hộ cận nghèo.\n"
        "\n"
        "Các chỉ tiêu:\n"
        "\n"
        "1. Tỷ lệ bao phủ bảo hiểm y tế;\n"
        "2. Tỷ lệ tiêm chủng đầy đủ.\n"
        "\n"
        "Chỉ tiêu | Năm 2030\n"
        "Bảo hiểm y tế | 98%\n"
        "Tiêm chủng | 95%\n"
        "\n"
        "Nơi nhận: như trên."
    )
    assert_clean(text)


def add_outline_numbering(document: docx.document.Document) -> str:
    """Define a Vietnamese-style outline list (1. / a) / -) in the numbering part; return its numId."""
    numbering = document.part.numbering_part.element
    levels = [("decimal", "%1."), ("lowerLetter", "%2)"), ("bullet", "-")]
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, (fmt, lvl_text) in enumerate(levels):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", lvl_text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)  # abstractNum elements come before num elements
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    abstract_ref = OxmlElement("w:abstractNumId")
    abstract_ref.set(qn("w:val"), "90")
    num.append(abstract_ref)
    numbering.append(num)
    return "90"


def add_numbered(document: docx.document.Document, text: str, num_id: str, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = int(num_id)


def test_docx_outline_numbering(tmp_path: Path) -> None:
    document = docx.Document()
    num_id = add_outline_numbering(document)
    add_numbered(document, "Mục tiêu chung", num_id, 0)
    add_numbered(document, "Mục tiêu cụ thể", num_id, 0)
    add_numbered(document, SENTENCE + ";", num_id, 1)
    add_numbered(document, "Ưu tiên người cao tuổi;", num_id, 2)
    add_numbered(document, "Tỷ lệ tiêm chủng đạt 95%.", num_id, 1)
    add_numbered(document, "Tổ chức thực hiện", num_id, 0)
    add_numbered(document, "Phân công nhiệm vụ.", num_id, 1)
    document.save(str(tmp_path / "outline.docx"))
    assert load_text(tmp_path / "outline.docx") == (
        "1. Mục tiêu chung\n"
        "2. Mục tiêu cụ thể\n"
        "a) " + SENTENCE + ";\n"
        "- Ưu tiên người cao tuổi;\n"
        "b) Tỷ lệ tiêm chủng đạt 95%.\n"
        "3. Tổ chức thực hiện\n"
        "a) Phân công nhiệm vụ."
    )


def test_docx_decomposed_text_comes_back_nfc(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(unicodedata.normalize("NFD", SENTENCE))
    document.save(str(tmp_path / "nfd.docx"))
    assert load_text(tmp_path / "nfd.docx") == SENTENCE


def test_docx_merged_cells_counted_once(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "Chỉ tiêu đến năm 2030"
    for cell, value in zip(table.rows[1].cells, ["BHYT", "", "98%"], strict=True):
        cell.text = value
    document.save(str(tmp_path / "merged.docx"))
    assert load_text(tmp_path / "merged.docx") == "Chỉ tiêu đến năm 2030\nBHYT | 98%"


def test_docx_corrupt(tmp_path: Path) -> None:
    path = write(tmp_path, "hong.docx", random.Random(7).randbytes(4096))
    assert_load_error(path, ".docx", "BadZipFile")


def test_docx_zip_without_document(tmp_path: Path) -> None:
    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert_load_error(path, ".docx")


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    docx.Document().save(str(tmp_path / "blank.docx"))
    assert_load_error(tmp_path / "blank.docx", "rỗng")


# ------------------------------------------------------------------------------------------
# PDF


def minimal_pdf(page_streams: list[bytes]) -> bytes:
    """A valid PDF written by hand: one page per content stream, Helvetica (ASCII text only)."""
    count = len(page_streams)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(page_streams):
        page, content = 4 + 2 * i, 5 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {content} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        assert page == len(objects) - 1
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_stream(line: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + line.encode("ascii") + b") Tj ET"


def test_pdf_handmade_ascii_pages(tmp_path: Path) -> None:
    data = minimal_pdf([text_stream("Ke hoach so 12-KH/DU nam 2026"), text_stream("Noi nhan: nhu tren")])
    path = write(tmp_path, "ascii.pdf", data)
    assert len(PdfReader(path).pages) == 2  # the fixture is a valid PDF
    assert load_text(path) == "Ke hoach so 12-KH/DU nam 2026\n\nNoi nhan: nhu tren"


def find_unicode_font() -> Path | None:
    for candidate in [
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    ]:
        if candidate.is_file():
            return candidate
    return None


def test_pdf_vietnamese_text(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 (dev extra) writes the Vietnamese PDF fixture")
    font = find_unicode_font()
    if font is None:
        pytest.skip("DejaVuSans.ttf not installed (apt-get install fonts-dejavu-core)")
    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", "", str(font))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, SENTENCE + ".\n- Ưu tiên người cao tuổi")
    pdf.add_page()
    pdf.multi_cell(0, 8, "Nghị quyết số 72-NQ/TW ngày 09/9/2025")
    path = tmp_path / "vi.pdf"
    pdf.output(str(path))
    text = load_text(path)
    assert text == SENTENCE + ".\n- Ưu tiên người cao tuổi\n\nNghị quyết số 72-NQ/TW ngày 09/9/2025"
    assert_clean(text)


def test_pdf_corrupt(tmp_path: Path) -> None:
    path = write(tmp_path, "hong.pdf", b"%PDF-1.4\n" + random.Random(3).randbytes(2048))
    assert_load_error(path, ".pdf", "hỏng")


def test_pdf_truncated(tmp_path: Path) -> None:
    data = minimal_pdf([text_stream("Ke hoach")])
    assert_load_error(write(tmp_path, "cut.pdf", data[: len(data) // 3]), ".pdf")


def test_pdf_without_text_layer_mentions_ocr(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.pdf", minimal_pdf([b""]))
    assert_load_error(path, "OCR")


def test_pdf_encrypted_with_password(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(write(tmp_path, "plain.pdf", minimal_pdf([text_stream("Mat")]))))
    writer.encrypt(user_password="bi-mat", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    assert_load_error(path, "mật khẩu")


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(
        clone_from=PdfReader(write(tmp_path, "plain.pdf", minimal_pdf([text_stream("Cong van")])))
    )
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="RC4-128")
    path = tmp_path / "owner-only.pdf"
    writer.write(path)
    assert load_text(path) == "Cong van"


# ------------------------------------------------------------------------------------------
# HTML

HTML_PAGE = (
    """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Tiêu đề trang</title>
<style>p { color: red; }</style></head>
<body>
<header>Cổng thông tin điện tử</header>
<nav><a href="/">Trang chủ</a></nav>
<h1>Kế hoạch   thực hiện</h1>
<!-- một chú thích -->
<p>Mục tiêu:
   """
    + SENTENCE
    + """.</p>
<script>var x = "không được hiện";</script>
<ul>
  <li>Ưu tiên người cao tuổi;</li>
  <li><p>Hỗ trợ hộ <b>cận nghèo</b>.</p></li>
</ul>
<ol><li>Bước một</li><li>Bước hai</li></ol>
<table><tr><th>Chỉ tiêu</th><th>Năm 2030</th></tr><tr><td>BHYT</td><td>98%</td></tr></table>
<div>Dòng một<br>Dòng hai&nbsp;</div>
<footer>Bản quyền</footer>
</body></html>
"""
)

HTML_TEXT = (
    "Kế hoạch thực hiện\n"
    "\n"
    "Mục tiêu: " + SENTENCE + ".\n"
    "\n"
    "- Ưu tiên người cao tuổi;\n"
    "- Hỗ trợ hộ cận nghèo.\n"
    "\n"
    "1. Bước một\n"
    "2. Bước hai\n"
    "\n"
    "Chỉ tiêu | Năm 2030\n"
    "BHYT | 98%\n"
    "\n"
    "Dòng một\n"
    "Dòng hai"
)


@pytest.mark.parametrize("name", ["page.html", "page.htm"])
def test_html_blocks_lists_and_dropped_elements(tmp_path: Path, name: str) -> None:
    text = load_text(write(tmp_path, name, HTML_PAGE))
    assert text == HTML_TEXT
    for hidden in ("không được hiện", "color", "Trang chủ", "Cổng thông tin", "Bản quyền", "chú thích"):
        assert hidden not in text
    assert_clean(text)


def test_html_meta_charset_windows_1258(tmp_path: Path) -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>'
    page += "<body><p>" + SENTENCE + "</p></body></html>"
    path = write(tmp_path, "cp1258.html", encode_cp1258(page))
    assert load_text(path) == SENTENCE


def test_html_without_charset_uses_fallback_chain(tmp_path: Path) -> None:
    page = "<p>" + SENTENCE + "</p>"
    assert load_text(write(tmp_path, "u16.html", page.encode("utf-16"))) == SENTENCE
    assert load_text(write(tmp_path, "legacy.html", encode_cp1258(page))) == SENTENCE


def test_html_wrong_meta_charset_falls_back(tmp_path: Path) -> None:
    page = '<meta charset="ascii"><p>' + SENTENCE + "</p>"
    assert load_text(write(tmp_path, "wrong.html", page)) == SENTENCE


def test_html_with_only_scripts_is_empty(tmp_path: Path) -> None:
    assert_load_error(write(tmp_path, "js.html", "<script>alert(1)</script><nav>Menu</nav>"), "rỗng")


# ------------------------------------------------------------------------------------------
# Bad inputs


def test_empty_file(tmp_path: Path) -> None:
    assert_load_error(write(tmp_path, "rong.txt", b""), "rỗng")


@pytest.mark.parametrize("content", [" \n\t\r\n  ", "\ufeff\n\n", "   ".encode("utf-16")])
def test_whitespace_only_file(tmp_path: Path, content: str | bytes) -> None:
    assert_load_error(write(tmp_path, "trang.md", content), "rỗng")


def test_binary_png_renamed_txt(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(4000)
    assert_load_error(write(tmp_path, "anh.txt", png), "không phải văn bản")


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    # Defined in CP1258 and free of NULs, so only the "looks like text" checks can reject it.
    noise = bytes(
        b
        for b in random.Random(2).randbytes(6000)
        if b not in (0, 0x81, 0x8A, 0x8D, 0x8E, 0x8F, 0x90, 0x9A, 0x9D, 0x9E)
    )
    assert_load_error(write(tmp_path, "noise.txt", noise), "không phải văn bản")


def test_symbols_only_cp1258_is_not_text(tmp_path: Path) -> None:
    assert_load_error(
        write(tmp_path, "symbols.txt", b"\xa9\xae\xb0\xb1\xb6\xa7\xbc\xbd" * 100), "không phải văn bản"
    )


def test_zip_renamed_txt(tmp_path: Path) -> None:
    make_docx(tmp_path / "real.docx")
    path = write(tmp_path, "archive.txt", (tmp_path / "real.docx").read_bytes())
    assert_load_error(path, "không phải văn bản")


def test_unsupported_suffix(tmp_path: Path) -> None:
    assert_load_error(write(tmp_path, "bang.xlsx", SENTENCE), ".xlsx", "không được hỗ trợ")
    assert_load_error(write(tmp_path, "khongduoi", SENTENCE), "không được hỗ trợ")


def test_missing_file(tmp_path: Path) -> None:
    assert_load_error(tmp_path / "khong-co.txt", "không tìm thấy")


def test_directory_with_supported_suffix(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert_load_error(tmp_path / "folder.txt")


def test_over_max_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "lon.txt", SENTENCE)
    size = path.stat().st_size
    assert load_text(path, max_bytes=size) == SENTENCE
    assert_load_error(path, "quá lớn", str(size), max_bytes=size - 1)


def test_load_error_pickles_and_keeps_fields(tmp_path: Path) -> None:
    error = LoadError(tmp_path / "x.docx", "tệp .docx bị hỏng")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, str(copy)) == (error.path, error.reason, str(error))
    assert str(error) == f"{tmp_path / 'x.docx'}: tệp .docx bị hỏng"


# ------------------------------------------------------------------------------------------
# The bundled corpus and folder walking


CORPUS_FILES = sorted(CORPUS_DIR.glob("*.txt"))


def test_corpus_is_present() -> None:
    assert len(CORPUS_FILES) == 5


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_file_loads_verbatim(path: Path) -> None:
    expected = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))
    assert load_text(path) == expected


def test_iter_corpus_files_on_bundled_corpus() -> None:
    assert iter_corpus_files(CORPUS_DIR) == CORPUS_FILES


def test_iter_corpus_files_recursive_sorted_filtered(tmp_path: Path) -> None:
    for relative in [
        "b.txt",
        "a.PDF",
        "sub/c.docx",
        "sub/deeper/d.htm",
        "sub/e.html",
        "notes.md",
        "data.csv",
        "image.png",
        ".hidden.txt",
        ".git/config.txt",
        "sub/~$lock.docx",
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (tmp_path / "folder.md").mkdir()
    found = iter_corpus_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.PDF",
        "b.txt",
        "notes.md",
        "sub/c.docx",
        "sub/deeper/d.htm",
        "sub/e.html",
    ]
    assert all(p.suffix.lower() in SUPPORTED_SUFFIXES for p in found)


def test_iter_corpus_files_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="khong-co"):
        iter_corpus_files(tmp_path / "khong-co")
