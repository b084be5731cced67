"""True/false questions ("X, đúng hay sai?", "Có phải X không?"): the provision that decides them,
and — where statement verification (:mod:`hoidap.qa.verify`) is sure — "Đúng" or "Không đúng" with
what differs, the provision quoted and cited. When verification finds nothing decisive the
passage answerer quotes the provision as for any question.

The frames around the statement are data (``hoidap/data/true_false.toml``); the statement is
checked against the passages retrieved for the question, so no second search is made.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from hoidap.domain import Document
from hoidap.index.retriever import ScoredChunk
from hoidap.qa.labels import document_label
from hoidap.qa.passages import Draft, Evidence, clean_for_answer
from hoidap.qa.question import Question
from hoidap.qa.schemas import SearchHit
from hoidap.qa.verify import ClaimCheck, ClaimChecker
from hoidap.vntext import fold_diacritics, normalize_text

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer

_EDGE = " \t\n,.;:!?…-–—\"'“”«»()"


@lru_cache(maxsize=1)
def _frames() -> dict[str, tuple[str, ...]]:
    raw = tomllib.loads(resources.files("hoidap").joinpath("data/true_false.toml").read_text(encoding="utf-8"))

    def folded(words: list[str]) -> tuple[str, ...]:
        return tuple(sorted({fold_diacritics(normalize_text(w)).lower() for w in words}, key=len, reverse=True))

    return {key: folded(raw[key]) for key in ("suffixes", "prefixes", "needs_closing", "closing")}


def _strip_end(folded: str, text: str, endings: tuple[str, ...]) -> tuple[str, str] | None:
    trimmed = folded.rstrip(_EDGE)
    for ending in endings:
        if re.search(r"(?:^|[\s,.;:])" + re.escape(ending) + r"$", trimmed):
            cut = len(trimmed) - len(ending)
            return folded[:cut].rstrip(_EDGE), text[:cut].rstrip(_EDGE)
    return None


def _strip_start(folded: str, text: str, openings: tuple[str, ...]) -> tuple[str, str, str] | None:
    lead = len(folded) - len(folded.lstrip(_EDGE))
    for opening in openings:
        if re.match(re.escape(opening) + r"(?:$|[\s,.;:])", folded[lead:]):
            cut = lead + len(opening)
            rest = len(folded) - len(folded[cut:].lstrip(_EDGE))
            return opening, folded[rest:], text[rest:]
    return None


def true_false_statement(question: str) -> str | None:
    """The statement a true/false question asks about, or None when it asks something else.

    >>> true_false_statement("Chủ tịch UBND cấp huyện ra quyết định …, đúng hay sai?")
    'Chủ tịch UBND cấp huyện ra quyết định …'
    >>> true_false_statement("Co phai tre em duoi 6 tuoi duoc cap the BHYT mien phi khong?")
    'tre em duoi 6 tuoi duoc cap the BHYT mien phi'
    """
    text = normalize_text(question).strip()
    folded = fold_diacritics(text).lower()
    if len(folded) != len(text):
        return None
    frames = _frames()
    statement: str | None = None
    ended = _strip_end(folded, text, frames["suffixes"])
    if ended is not None:
        folded, statement = ended
        text = statement
    opened = _strip_start(folded, text, frames["prefixes"])
    if opened is not None:
        opening, folded, text = opened
        if opening in frames["needs_closing"] and statement is None:
            closed = _strip_end(folded, text, frames["closing"])
            if closed is None:
                return None  # "Có phải nộp hồ sơ ở đâu?": an ordinary question
            folded, text = closed
        statement = text
    if statement is None or len(statement.split()) < 4:
        return None
    return statement.strip(_EDGE) or None


def _search_hit(hit: ScoredChunk, documents: dict[str, Document]) -> SearchHit:
    chunk = hit.chunk
    document = documents[chunk.doc_id]
    return SearchHit(
        doc_id=chunk.doc_id,
        source=chunk.source,
        title=document_label(document, short=False),
        doc_number=document.metadata.number,
        section=chunk.section,
        quote=chunk.text,
        text=chunk.text,
        score=float(hit.score),
    )


class TrueFalseAnswerer:
    """Answers a true/false question when verification is sure; otherwise leaves it to the passage
    answerer (which quotes the provision)."""

    name = "true_false"

    def __init__(self, passages: Composer) -> None:
        self.documents = passages.documents
        self._checker: ClaimChecker | None = None

    @property
    def checker(self) -> ClaimChecker:
        if self._checker is None:  # IDF weights over the collection: built on the first such question
            self._checker = ClaimChecker(self.documents, lambda query, k: [])
        return self._checker

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        statement = true_false_statement(question.text)
        if statement is None or not hits:
            return None
        documents = self.documents
        searched = [_search_hit(h, documents) for h in hits if h.chunk.doc_id in documents]
        check = self.checker.check_against(statement, searched)
        if check.verdict == "not_found" or not check.passages or check.mismatches == ["statement"]:
            # a passage that only "says something else" is no sure "Không đúng": quote the provision
            return None
        return self._draft(check, hits)

    def _draft(self, check: ClaimCheck, hits: list[ScoredChunk]) -> Draft | None:
        passage = check.passages[0]
        holder = next(
            (h for h in hits if h.chunk.doc_id == passage.doc_id and h.chunk.start <= passage.start
             and passage.end <= h.chunk.end),
            None,
        )
        if holder is None:
            return None
        evidence = Evidence(holder.chunk, passage.start, passage.end, holder.score, holder.score)
        quote = clean_for_answer(passage.quote)
        if check.verdict == "supported":
            verdict = "Đúng. Văn bản quy định"
        else:
            verdict = "Không đúng (" + ("; ".join(check.differences) or "văn bản quy định khác") + "). Văn bản quy định"
        # One line, so that the citation marker covers the verdict and the quote it rests on.
        return Draft(True, [(f"{verdict}: «{quote}»", 0)], [evidence], confidence=0.9)
