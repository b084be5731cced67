"""Hostile files cost seconds and megabytes: structural limits, then a limited child process."""

from __future__ import annotations

import resource
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from hoidap.ingest.limits import ParseLimits
from hoidap.ingest.loaders import LoadError, load_text
from hoidap.ingest.sandbox import LoadCancelled, SandboxLoader, load_text_isolated
from tests.hostile_files import deep_html, write_many_members

VIETNAMESE = "Ủy ban nhân dân phường triển khai kế hoạch bảo hiểm y tế toàn dân năm 2025.\n"


def _reason(error: pytest.ExceptionInfo[LoadError]) -> str:
    return error.value.reason


def test_zip_bomb_is_refused_from_the_central_directory(zip_bomb: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LoadError) as error:
        load_text(zip_bomb)
    assert "HOIDAP_PARSE_MAX_UNCOMPRESSED_BYTES" in _reason(error) and "1.0 GB" in _reason(error)
    assert "bom nén" in _reason(error)
    # Nothing was inflated: the peak memory of this process did not grow by anything like 1 GB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


def test_zip_bomb_is_refused_in_the_sandbox_too(zip_bomb: Path) -> None:
    with pytest.raises(LoadError) as error:
        load_text_isolated(zip_bomb)
    assert "HOIDAP_PARSE_MAX_UNCOMPRESSED_BYTES" in _reason(error)


def test_a_highly_compressed_member_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(8 * 1024 * 1024))  # 8 MB of zeros, about 8 KB stored
    with pytest.raises(LoadError) as error:
        load_text(path)
    assert "HOIDAP_PARSE_MAX_COMPRESSION_RATIO" in _reason(error)


def test_too_many_zip_members(tmp_path: Path) -> None:
    path = write_many_members(tmp_path / "many.docx", 50)
    with pytest.raises(LoadError) as error:
        load_text(path, limits=ParseLimits(max_zip_members=20))
    assert "HOIDAP_PARSE_MAX_ZIP_MEMBERS" in _reason(error) and "51" in _reason(error)


def test_deeply_nested_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(deep_html(5000), encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_text(path)
    assert "HOIDAP_PARSE_MAX_HTML_DEPTH" in _reason(error)


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_text(deep_html(100), encoding="utf-8")
    assert load_text(path) == "Nội dung sâu"


def test_large_html_is_refused_by_its_own_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<p>" + VIETNAMESE * 100 + "</p>", encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_text(path, limits=ParseLimits(max_html_bytes=1024))
    assert "HOIDAP_PARSE_MAX_HTML_BYTES" in _reason(error)


def _blank_pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_pdf_page_and_object_counts_are_limited(tmp_path: Path) -> None:
    path = _blank_pdf(tmp_path / "pages.pdf", 12)
    with pytest.raises(LoadError) as error:
        load_text(path, limits=ParseLimits(max_pdf_pages=10))
    assert "HOIDAP_PARSE_MAX_PDF_PAGES" in _reason(error) and "12" in _reason(error)
    with pytest.raises(LoadError) as error:
        load_text(path, limits=ParseLimits(max_pdf_objects=5))
    assert "HOIDAP_PARSE_MAX_PDF_OBJECTS" in _reason(error)


def test_extracted_text_is_limited(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(VIETNAMESE * 50, encoding="utf-8")
    with pytest.raises(LoadError) as error:
        load_text(path, limits=ParseLimits(max_text_chars=1000))
    assert "HOIDAP_PARSE_MAX_TEXT_CHARS" in _reason(error)


def test_sandbox_returns_the_same_text_as_in_process(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.html"
    path.write_text(f"<h1>Kế hoạch</h1><ul><li>{VIETNAMESE}</li><li>Bước hai</li></ul>", encoding="utf-8")
    assert load_text_isolated(path) == load_text(path)


def test_sandbox_reports_load_errors_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LoadError) as isolated:
        load_text_isolated(path)
    with pytest.raises(LoadError) as direct:
        load_text(path)
    assert isolated.value.reason == direct.value.reason


def _many_elements(path: Path, count: int) -> Path:
    path.write_text("<html><body>" + "<p>a</p>" * count + "</body></html>", encoding="utf-8")
    return path


def test_sandbox_memory_limit_stops_a_costly_parse(tmp_path: Path) -> None:
    # 200 000 elements: BeautifulSoup would need far more than the 100 MB the child may use.
    path = _many_elements(tmp_path / "wide.html", 200_000)
    limits = ParseLimits(memory_bytes=100 * 1024 * 1024, cpu_seconds=120)
    with pytest.raises(LoadError) as error:
        load_text_isolated(path, limits=limits)
    assert "HOIDAP_PARSE_MEMORY_BYTES" in _reason(error)


def test_sandbox_cpu_limit_stops_a_costly_parse(tmp_path: Path) -> None:
    path = _many_elements(tmp_path / "slow.html", 400_000)
    limits = ParseLimits(cpu_seconds=1, memory_bytes=0)
    with pytest.raises(LoadError) as error:
        load_text_isolated(path, limits=limits)
    assert "HOIDAP_PARSE_CPU_SECONDS" in _reason(error)


def test_a_cancelled_loader_kills_its_child_and_refuses_more_work(tmp_path: Path) -> None:
    import threading

    path = _many_elements(tmp_path / "slow.html", 400_000)
    loader = SandboxLoader(ParseLimits(cpu_seconds=120, memory_bytes=0))
    timer = threading.Timer(1.0, loader.cancel)
    timer.start()
    with pytest.raises(LoadCancelled):
        loader(path)
    with pytest.raises(LoadCancelled):
        loader(path)
    loader.reset()
    small = tmp_path / "small.txt"
    small.write_text(VIETNAMESE, encoding="utf-8")
    assert loader(small).startswith("Ủy ban nhân dân")


def test_hoidap_ingest_applies_the_same_limits(tmp_path: Path, zip_bomb: Path) -> None:
    """The CLI refuses the bomb with the same message and still indexes the good file beside it."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import REPO

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(zip_bomb, folder / "ke-hoach-bom.docx")
    (folder / "ke-hoach.txt").write_text("KẾ HOẠCH\n\n" + VIETNAMESE, encoding="utf-8")
    env = {**os.environ, "HOIDAP_DATA_DIR": str(tmp_path / "data"), "HOIDAP_PARSE_MAX_ZIP_MEMBERS": "100"}
    result = subprocess.run(
        [sys.executable, "-m", "hoidap.cli", "ingest", str(folder)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, output
    assert "HOIDAP_PARSE_MAX_UNCOMPRESSED_BYTES" in output and "Thêm 1" in output
