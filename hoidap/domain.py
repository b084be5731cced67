"""Domain types shared by ingest, index and qa: documents, their metadata, sections and chunks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SECTION_SEPARATOR = " › "


class DocumentReference(BaseModel):
    """Another document this one cites, e.g. ``Nghị quyết số 72-NQ/TW ngày 09/9/2025``."""

    kind: str | None = None  # "Nghị quyết", "Chỉ thị", "Chương trình hành động", "Công văn", …
    number: str  # "72-NQ/TW"
    date: str | None = None  # ISO date when stated next to the number ("2025-09-09")
    text: str  # verbatim mention, e.g. "Nghị quyết số 72-NQ/TW"


class DocumentMetadata(BaseModel):
    """Facts about a document extracted by rules from its text. Missing facts stay ``None``.

    ``number`` is ``None`` when the document leaves it blank (``Số -CV/BXDD``); ``number_raw``
    keeps what was written. ``date`` is ISO with the precision that was stated:
    ``2024-06-03`` (day), ``2026-01`` (month, from ``ngày tháng 01 năm 2026``) or ``2026`` (year).
    """

    doc_type: str | None = None  # "Kế hoạch", "Công văn", "Chỉ thị", "Nghị quyết", …
    number: str | None = None
    number_raw: str | None = None
    place: str | None = None
    date: str | None = None
    date_precision: Literal["day", "month", "year"] | None = None
    date_text: str | None = None
    issuer: str | None = None
    title: str | None = None
    recipients: list[str] = Field(default_factory=list)  # "Kính gửi"
    cc: list[str] = Field(default_factory=list)  # "Nơi nhận"
    signer_name: str | None = None
    signer_position: str | None = None  # "PHÓ BÍ THƯ"
    signer_authority: str | None = None  # "T/M BAN THƯỜNG VỤ"
    references: list[DocumentReference] = Field(default_factory=list)
    # "có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2021": ISO date, or the words when it is
    # stated relative to signing ("ký").
    effective_date: str | None = None


class SectionNode(BaseModel):
    """One node of a document's structure tree. Offsets index into ``Document.text``."""

    label: str  # "II. MỤC TIÊU", "1. Mục tiêu đến năm 2030", "e)", "Nơi nhận:"
    kind: Literal[
        "root", "part", "item", "subitem", "letter", "paren", "bullet", "block",
        # documents written in articles: Chương › Mục › Tiểu mục › Điều › khoản › điểm
        "chapter", "section", "subsection", "article", "clause", "point",
    ]
    start: int
    end: int
    heading_end: int  # end offset of the heading line (start..heading_end is the heading)
    children: list[SectionNode] = Field(default_factory=list)


class Document(BaseModel):
    doc_id: str
    source: str  # file name the document was ingested from
    content_hash: str
    text: str  # the normalised (NFC) document text; every quote is a substring of it
    metadata: DocumentMetadata
    sections: SectionNode | None = None


class Chunk(BaseModel):
    """A retrievable passage. ``text == document.text[start:end]`` always holds."""

    chunk_id: str
    doc_id: str
    source: str
    ordinal: int
    kind: Literal["body", "header", "signature", "recipients"] = "body"
    section_path: list[str] = Field(default_factory=list)
    start: int
    end: int
    text: str
    # What the lexical and dense indexes see: markdown stripped, section headings and document
    # identity prepended, metadata spelled out for header/signature chunks.
    search_text: str

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)
