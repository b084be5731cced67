"""The answer shapes of the HTTP contract (shared/docs/api-contract.md), reused by CLI and bots."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SearchHit(BaseModel):
    doc_id: str
    source: str
    title: str | None = None
    # How a citation names its source: "Điều 8, khoản 2 — Luật Cư trú (68/2020/QH14)".
    label: str | None = None
    doc_number: str | None = None
    issued: str | None = None
    section: str
    quote: str
    text: str
    score: float


class Citation(SearchHit):
    n: int = Field(ge=1)


class AskResponse(BaseModel):
    answer: str
    answerable: bool
    citations: list[Citation]
    conversation_id: str | None = None
    answer_id: str


class SearchResponse(BaseModel):
    hits: list[SearchHit]
