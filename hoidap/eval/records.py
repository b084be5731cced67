"""What one system said to one gold question, and how it scored: the rows of ``questions.jsonl``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from hoidap.qa.schemas import AskResponse

Variant = Literal["accented", "unaccented"]
VARIANTS: tuple[Variant, ...] = ("accented", "unaccented")


class SystemAnswer(BaseModel):
    """One answer in the /v1/ask shape, with its wall-clock latency; ``error`` when none came back."""

    response: AskResponse | None = None
    latency_ms: float
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: str | None = None


class QuestionScore(BaseModel):
    """Per-question outcomes; ``None`` where a measure does not apply (e.g. retrieval of an
    unanswerable question, marker support of a system that writes no markers)."""

    evidence_rank: int | None = None  # 1-based rank of the first citation holding an evidence string
    evidence_at_1: bool | None = None
    evidence_at_5: bool | None = None
    evidence_all_at_5: bool | None = None  # every evidence string (one per document) within the top 5
    doc_rank: int | None = None
    doc_at_1: bool | None = None
    doc_at_5: bool | None = None
    doc_all_at_5: bool | None = None  # every gold document among the top 5 citations
    citations: int = 0
    citations_verbatim: int = 0
    markers_supported: bool | None = None
    key_fact_recall: float | None = None
    missing_facts: list[str] = Field(default_factory=list)
    token_f1: float | None = None
    refused: bool = False
    error: bool = False

    @property
    def all_key_facts(self) -> bool | None:
        return None if self.key_fact_recall is None else self.key_fact_recall >= 1.0


class CitationDigest(BaseModel):
    """A short record of a citation, enough to show in the report what was retrieved."""

    n: int
    source: str
    section: str = ""
    quote: str
    score: float | None = None


class QuestionRecord(BaseModel):
    system: str
    variant: Variant
    id: str
    type: str
    difficulty: str | None = None
    answerable: bool
    question: str
    answer: str
    answered: bool  # the system gave an answer rather than a refusal
    citations: list[CitationDigest] = Field(default_factory=list)
    latency_ms: float
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    score: QuestionScore
