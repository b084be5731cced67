"""Hostile documents built inside the tests (small on disk, costly to parse if parsed naively)."""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def write_zip_bomb(path: Path, expanded_bytes: int = 1024**3, chunk: int = 1024 * 1024) -> Path:
    """A .docx whose ``word/document.xml`` declares and holds ``expanded_bytes`` of zeros.

    Zeros are streamed through ``zipfile`` one ``chunk`` at a time, so building it keeps a
    megabyte in memory; deflate shrinks them about a thousandfold (1 GB → about 1 MB on disk).
    """
    zeros = bytes(chunk)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(expanded_bytes // chunk):
                member.write(zeros)
    return path


def write_many_members(path: Path, members: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for n in range(members):
            archive.writestr(f"word/media/part{n}.xml", "<x/>")
    return path


def deep_html(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "Nội dung sâu" + "</div>" * depth + "</body></html>"
