"""The passages an answer quotes: a verbatim span of a document (:class:`Evidence`), the draft an
answerer returns (:class:`Draft`), and how a text is cut into quotable units (lines, sentences,
``;`` clauses) and cleaned for reading. Shared by every answerer."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from hoidap.domain import Chunk
from hoidap.ingest.chunking import Span
from hoidap.vntext import UPPERCASE_LETTERS, fold_diacritics, strip_markdown, syllables

# Who does something: a task's actor or its assignment ("Ủy ban nhân dân phường", "phối hợp").
ACTOR_WORDS = re.compile(
    r"\b(ủy ban|uỷ ban|ubnd|ban |mặt trận|đảng ủy|đảng uỷ|chi bộ|trạm y tế|cấp ủy|cấp uỷ|tổ chức|giao|chủ trì|"
    r"phối hợp|chịu trách nhiệm|đồng chí|bí thư|cơ quan|phòng)",
    re.IGNORECASE,
)
# Figures a question may ask for, each as (what it is called, its pattern on the folded question,
# the pattern a passage stating it contains). Numbers may be written in words, as laws do
# ("chưa đủ mười tám tuổi").
_NUMBER_WORD = r"(?:một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|trăm)"
_WRITTEN_NUMBER = rf"(?:\d+(?:[.,]\d+)?|(?:{_NUMBER_WORD}\s+){{0,4}}{_NUMBER_WORD})"
ASKED_FIGURES: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (
        "tỷ lệ phần trăm",
        re.compile(r"(bao nhieu|may|bn)\s*(%|phan tram)"),
        re.compile(r"\d\s*%|phần trăm", re.IGNORECASE),
    ),
    (
        "số tuổi",
        re.compile(r"\b(bao nhieu|may|bn) tuoi\b"),
        re.compile(rf"\b{_WRITTEN_NUMBER}\s*tuổi", re.IGNORECASE),
    ),
    # "sơ kết vào năm nào": "định kỳ tham mưu sơ kết" states no year.
    ("năm", re.compile(r"\b(vao |tu |den |trong )?nam nao\b"), re.compile(r"\b(19|20)\d\d\b|năm \d")),
]


@functools.lru_cache(maxsize=1024)
def asked_figure(folded_question: str) -> tuple[str, re.Pattern[str]] | None:
    """The kind of figure a question asks for ("bao nhiêu %", "mấy tuổi", "năm nào") and the pattern
    of a passage stating it, if any (memoised: asked for every candidate unit)."""
    return next(((label, needs) for label, asks, needs in ASKED_FIGURES if asks.search(folded_question)), None)


_EDGE_MARKDOWN = re.compile(r"^[\s*]+|[\s*]+$")
# The longest sentence quoted whole; a longer one is also cut into windows of its clauses.
MAX_UNIT_CHARS = 420


@dataclass
class Evidence:
    """One quoted passage: a verbatim span of a document, and the chunk it sits in."""

    chunk: Chunk
    start: int  # offsets into the document text
    end: int
    score: float
    retrieval_score: float


@dataclass
class Draft:
    answerable: bool
    sentences: list[tuple[str, int]] = field(default_factory=list)  # (text, evidence index)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    refusal: str | None = None  # why the documents cannot answer, when answerable is False
    exact: bool = False  # a metadata lookup (signer, date, number): no relevance check needed


@functools.lru_cache(maxsize=16384)
def clean_for_answer(text: str) -> str:
    """Readable answer text from a verbatim quote: markdown removed, whitespace collapsed
    (memoised: every candidate unit is measured by it, for every question)."""
    return re.sub(r"\s+", " ", strip_markdown(text)).strip()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with blanks or markdown asterisks."""
    piece = text[start:end]
    lead = len(piece) - len(_EDGE_MARKDOWN.sub("", piece, count=1)) if _EDGE_MARKDOWN.match(piece) else 0
    match = re.search(r"[\s*]+$", piece)
    tail = len(match.group(0)) if match else 0
    new_start, new_end = start + lead, end - tail
    return (new_start, new_end) if new_end > new_start else (start, end)


@functools.lru_cache(maxsize=16384)
def text_terms(text: str) -> frozenset[str]:
    """Folded syllables and syllable bigrams of a passage (memoised: passages repeat across questions)."""
    units = [fold_diacritics(s) for s in syllables(strip_markdown(text))]
    return frozenset(units) | {f"{a}_{b}" for a, b in zip(units, units[1:], strict=False)}


_SENTENCE_BOUNDARY = re.compile(rf"(?<=[.!?])\s+(?=[{UPPERCASE_LETTERS}0-9\-+*(“\"])")


def full_sentence_spans(text: str, span: Span) -> list[Span]:
    """Sentences of one line (split after . ! ? followed by a capital), ``;`` clauses kept together."""
    pieces: list[Span] = []
    cursor = span.start
    for match in _SENTENCE_BOUNDARY.finditer(text, span.start, span.end):
        if match.start() - cursor > 0:
            pieces.append(Span(cursor, match.start()))
        cursor = match.end()
    if span.end > cursor:
        pieces.append(Span(cursor, span.end))
    return pieces


_CLAUSE_BREAK = re.compile(r";\s+|:\s+(?=\S)")


def _clauses(text: str, sentence: Span) -> list[Span]:
    """The ``;``/``:``-separated clauses of a sentence ("…; phấn đấu đến năm 2030 …; …")."""
    clauses: list[Span] = []
    cursor = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if match.start() > cursor:
            clauses.append(Span(cursor, match.start() + 1))
        cursor = match.end()
    if sentence.end > cursor:
        clauses.append(Span(cursor, sentence.end))
    return clauses


def clause_windows(text: str, sentence: Span, max_chars: int) -> list[Span]:
    """Each clause of a sentence on its own, and the longest run of clauses from it that fits in
    ``max_chars``, so a figure can be quoted with as little around it as possible."""
    clauses = _clauses(text, sentence)
    if len(clauses) < 2:
        return []
    windows: list[Span] = []
    for index, clause in enumerate(clauses):
        windows.append(clause)
        end = clause.end
        for following in clauses[index + 1 :]:
            if following.end - clause.start > max_chars:
                break
            end = following.end
        if end != clause.end:
            windows.append(Span(clause.start, end))
    return windows


def line_spans(text: str, paragraph: Span) -> list[Span]:
    spans: list[Span] = []
    cursor = paragraph.start
    for line in text[paragraph.start : paragraph.end].split("\n"):
        line_start, line_end = cursor, cursor + len(line)
        cursor = line_end + 1
        while line_start < line_end and text[line_start].isspace():
            line_start += 1
        while line_end > line_start and text[line_end - 1].isspace():
            line_end -= 1
        if line_end > line_start:
            spans.append(Span(line_start, line_end))
    return spans
