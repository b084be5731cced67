"""How much work one document may cost before it is refused: the bounds of a hostile file.

A .docx is a zip: a 2 MB upload can expand to gigabytes (a "zip bomb"), so its members are counted
and their declared sizes and compression ratios checked before anything is decompressed (Python's
``zipfile`` stops at the declared size, so the declaration is an upper bound). A PDF is bounded by
its page and object counts, HTML by its size and nesting depth, every format by the amount of text
it yields. Whatever slips through these checks is stopped by the CPU-time and memory limits of the
separate process that parses uploads (:mod:`hoidap.ingest.sandbox`).

Every limit is a setting (``HOIDAP_PARSE_…``); the error that refuses a file names the setting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hoidap.settings import Settings


@dataclass(frozen=True)
class ParseLimits:
    """The limits applied while turning one file into text (defaults: generous for real documents)."""

    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: float = 200.0
    max_zip_members: int = 2000
    max_pdf_pages: int = 3000
    max_pdf_objects: int = 500_000
    max_html_bytes: int = 20 * 1024 * 1024
    max_html_depth: int = 256
    max_text_chars: int = 20_000_000
    cpu_seconds: int = 120
    memory_bytes: int = 1024 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        return cls(
            max_uncompressed_bytes=settings.parse_max_uncompressed_bytes,
            max_compression_ratio=settings.parse_max_compression_ratio,
            max_zip_members=settings.parse_max_zip_members,
            max_pdf_pages=settings.parse_max_pdf_pages,
            max_pdf_objects=settings.parse_max_pdf_objects,
            max_html_bytes=settings.parse_max_html_bytes,
            max_html_depth=settings.parse_max_html_depth,
            max_text_chars=settings.parse_max_text_chars,
            cpu_seconds=settings.parse_cpu_seconds,
            memory_bytes=settings.parse_memory_bytes,
        )

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, int | float]) -> ParseLimits:
        return cls(**values)  # type: ignore[arg-type]


# Members smaller than this are not held to the ratio: tiny XML parts compress extremely well.
RATIO_MIN_MEMBER_BYTES = 1024 * 1024


def size_text(size: float) -> str:
    """``1.0 GB``, ``200 MB``, ``12 KB``: sizes in messages people read."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{int(size)} byte"
