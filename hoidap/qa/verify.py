"""Claim checking: does what someone says match what the documents state?

A verdict is ``supported`` (a passage says this), ``contradicted`` (the passage about the same
thing states a different figure, year, date, document number, actor or level, or carries a
negation, obligation or scope the claim changes; the reason says what the passage states) or
``not_found`` (no passage speaks about the claim's subject; the nearest ones are shown).

How: the passages about the claim come from the QA service's search over the whole collection
(accents restored for unaccented claims, as for questions); each passage is cut into units
(sentences, clauses, list items with their lead-in as context), the claim is aligned to every
unit (``alignment.py``) and the verdict is read from the best-aligned units. Nothing here depends
on which documents are loaded: party, administrative and legal texts go the same way.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from hoidap.domain import Document
from hoidap.qa.alignment import Aligner, Alignment, Difference, Text
from hoidap.qa.schemas import SearchHit
from hoidap.vntext import (
    DOC_NUMBER_PATTERN,
    expand_abbreviations,
    fold_diacritics,
    is_unaccented,
    spelling_key,
)

Verdict = Literal["supported", "contradicted", "not_found"]
Mismatch = Literal[
    "value", "year", "doc_number", "actor", "date", "level", "wording", "negation", "modality", "scope",
    "exception", "statement",
]
Search = Callable[[str, int], Sequence[SearchHit]]

# Relevance of a unit to a claim (share of the claim's content words, IDF-weighted, the unit and
# its lead-in and headings hold, mixed with the share of its adjacent word pairs): below
# NOT_FOUND_RELEVANCE nothing in the documents is about the claim.
PAIR_SHARE = 0.4
SUPPORT_RELEVANCE = 0.7
CONTRADICT_RELEVANCE = 0.55
NOT_FOUND_RELEVANCE = 0.45
RELEVANCE_SLACK = 0.05
RETRIEVED = 12
SHOWN = 3

_MISMATCH_WORDS = {
    "value": "con số",
    "year": "năm",
    "date": "ngày tháng",
    "doc_number": "số hiệu văn bản",
    "actor": "cơ quan / người",
    "level": "cấp",
    "wording": "từ ngữ",
    "negation": "khẳng định / phủ định",
    "modality": "bắt buộc / cho phép",
    "scope": "phạm vi",
    "exception": "ngoại lệ",
    "statement": "nội dung",
}
# "BHYT (bảo hiểm y tế)" as expand_abbreviations writes it: keep the words the documents use.
_ABBREVIATION_SPELLED = re.compile(r"\b([A-ZĐ]{2,})\s*\(([^()]+)\)")
_CLAIM_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")
_SYLLABLE = re.compile(r"[a-z]+")
_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"“(*]?[A-ZĐÀ-Ỹ0-9a-zđ+\-])")
_MARKER_ONLY = re.compile(r"^\W*(?:\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[IVX]{1,4})[.)]?\W*$")
_ITEM = re.compile(r"^\s*(?:[-+•*]|\(?[a-zđ0-9]{1,3}[.)])\s")
# The numbering of a section path ("Điều 40. … › khoản 1–5 › điểm a", "I. … › 2. …"): where the
# passage sits, not a figure it states ("khoản 1–5" must not vouch for a claim's "05 năm").
_MARKER = r"(?:\d+[a-zđ]?|[IVXLC]+|[a-zđ])"
_SECTION_NUMBERING = re.compile(
    rf"(?:^|(?<=›))(\s*)(?:(?:Phần|Chương|Mục|Tiểu mục|Điều|khoản|điểm)\s+{_MARKER}(?:\s*[–-]\s*{_MARKER})?[.)]?"
    rf"|(?:\d+(?:\.\d+)*|[IVXLC]+|[a-zđ])[.)])(?=\s|$)",
    re.IGNORECASE,
)


class ClaimPassage(BaseModel):
    """A verbatim passage the verdict rests on (``quote == document.text[start:end]``)."""

    doc_id: str
    source: str
    doc_title: str
    doc_number: str | None = None
    section: str = ""
    quote: str
    start: int
    end: int


class ClaimCheck(BaseModel):
    claim: str
    verdict: Verdict
    reason: str  # Vietnamese: what the documents state, or why nothing was found
    mismatches: list[Mismatch] = []
    passages: list[ClaimPassage] = []
    stated: str | None = None  # for "contradicted": what the document states instead, verbatim
    differences: list[str] = []  # for "contradicted": each difference in plain Vietnamese


@dataclass(frozen=True)
class Unit:
    """One sentence, clause or list item of a retrieved passage, with its lead-in and headings."""

    hit: SearchHit
    start: int  # offsets in the document text
    end: int
    text: Text
    context: Text
    rank: int


@dataclass
class _Scored:
    unit: Unit
    alignment: Alignment

    @property
    def relevance(self) -> float:
        """How much the unit is about the claim: its words, and its word pairs (word order)."""
        return (1 - PAIR_SHARE) * self.alignment.coverage + PAIR_SHARE * self.alignment.pairs

    @property
    def supports(self) -> bool:
        a = self.alignment
        return (
            self.relevance >= SUPPORT_RELEVANCE and not a.differences and not a.unmatched_numbers and not a.unnamed_bodies
        )


class ClaimChecker:
    """Aligns claims to the passages a search returns.

    ``search(query, k)`` is the QA service's public search (``QAService.search(...).hits``);
    ``restore_accents`` puts the accents back on an unaccented claim so that words whose folded
    form is ambiguous ("cấm"/"cảm") are read right.
    """

    def __init__(
        self,
        documents: dict[str, Document],
        search: Search,
        restore_accents: Callable[[str], str] | None = None,
        aligner: Aligner | None = None,
    ) -> None:
        self.documents = documents
        self.search = search
        self.restore_accents = restore_accents
        self.aligner = aligner or Aligner(weights=syllable_weights(documents))

    def check_against(self, claim: str, hits: Sequence[SearchHit]) -> ClaimCheck:
        """:meth:`check` on passages already retrieved (a true/false question's own), no search."""
        return self.check(claim, hits)

    def check(self, claim: str, hits: Sequence[SearchHit] | None = None) -> ClaimCheck:
        """A claim of several sentences is checked sentence by sentence: one contradicted sentence
        contradicts it; otherwise one supported sentence supports it (the others set the scene:
        "Ông X là cán bộ … Ông X có thể …")."""
        written = " ".join(claim.split())
        sentences = [s for s in _CLAIM_SENTENCE.split(written) if len(s.split()) >= 4]
        if len(sentences) < 2:
            return self._check_one(written, hits)
        results = [self._check_one(s, hits) for s in sentences]
        for verdict in ("contradicted", "supported"):
            found = next((r for r in results if r.verdict == verdict), None)
            if found is not None:
                return found.model_copy(update={"claim": written})
        return results[0].model_copy(update={"claim": written})

    def _check_one(self, claim: str, hits: Sequence[SearchHit] | None = None) -> ClaimCheck:
        written = claim
        readable = self.restore_accents(written) if self.restore_accents and is_unaccented(written) else written
        claim_text = Text.of(spell_out(written))
        if readable != written:
            claim_text = claim_text.with_accents(readable)
        units = self._units(written, hits=hits)
        scored = [_Scored(u, self.aligner.align(claim_text, u.text, u.context)) for u in _unique(units)]
        scored.sort(key=lambda s: (-s.relevance, s.unit.rank))
        if not scored or scored[0].relevance < NOT_FOUND_RELEVANCE:
            return self._not_found(written, scored)
        top = scored[0].relevance
        supporting = [s for s in scored if s.supports]
        # Only a unit about as relevant as the best one may contradict: a figure differing in a
        # passage about something else is no contradiction.
        contradicting = [
            s for s in scored
            if s.alignment.differences and s.relevance >= CONTRADICT_RELEVANCE and s.relevance >= top - RELEVANCE_SLACK
        ]
        if contradicting and _outweighs(contradicting[0], supporting) and not _holds(contradicting[0], supporting):
            return self._contradicted(written, contradicting)
        if supporting:
            return self._supported(written, supporting)
        if _states_otherwise(scored[0]) and self._all_known(claim_text):
            return self._contradicted(written, [_Scored(scored[0].unit, _otherwise(scored[0].alignment))])
        return self._not_found(written, scored)

    def _all_known(self, claim: Text) -> bool:
        """Every content word of the claim occurs somewhere in the collection: a claim bringing in
        what the documents never name ("niềng răng", "bể bơi") is about something else."""
        return all(k in self.aligner.weights for k in self.aligner.content(claim))

    # ---------- verdicts ----------
    def _supported(self, claim: str, supporting: list[_Scored]) -> ClaimCheck:
        passages = _distinct_passages([s.unit for s in supporting], self)
        return ClaimCheck(
            claim=claim,
            verdict="supported",
            reason="Văn bản có nêu nội dung này: " + _quote_line(passages[0]) + ".",
            passages=passages[:SHOWN],
        )

    def _contradicted(self, claim: str, contradicting: list[_Scored]) -> ClaimCheck:
        best = contradicting[0]
        differences = best.alignment.differences
        kinds: list[Mismatch] = list(dict.fromkeys(d.kind for d in differences))  # type: ignore[arg-type]
        passage = self.passage(best.unit)
        stated = next((d.stated for d in differences if d.stated), None)
        pieces = [_explain(d) for d in differences]
        reason = (
            "Văn bản ghi khác (" + ", ".join(_MISMATCH_WORDS[k] for k in kinds) + "): "
            + "; ".join(p for p in pieces if p)
            + ". Văn bản nêu: " + _quote_line(passage) + "."
        )
        return ClaimCheck(
            claim=claim,
            verdict="contradicted",
            reason=reason,
            mismatches=kinds,
            passages=[passage],
            stated=stated,
            differences=[p for p in pieces if p],
        )

    def _not_found(self, claim: str, scored: list[_Scored]) -> ClaimCheck:
        nearest = _distinct_passages([s.unit for s in scored[:SHOWN * 2]], self)[:SHOWN]
        reason = "Các văn bản không có đoạn nào nói về nội dung này."
        if nearest:
            reason += " Các đoạn gần nhất được kèm theo để tham khảo."
        return ClaimCheck(claim=claim, verdict="not_found", reason=reason, passages=nearest)

    # ---------- units ----------
    def _units(self, query: str, offset: int = 0, hits: Sequence[SearchHit] | None = None) -> list[Unit]:
        units: list[Unit] = []
        if hits is None:
            try:
                hits = self.search(query, RETRIEVED)
            except ValueError:  # a query the service rejects (empty once cleaned): nothing to align to
                return units
        for rank, hit in enumerate(hits, start=offset):
            document = self.documents.get(hit.doc_id)
            if document is None:
                continue
            base = document.text.find(hit.text)
            if base < 0:
                continue
            section = _SECTION_NUMBERING.sub(r"\1", hit.section)
            heading = " ".join(filter(None, [hit.title or "", hit.doc_number or "", section]))
            lead_in = ""
            for line in _LINE.finditer(hit.text):
                body = line.group(0)
                if not body.strip():
                    continue
                context = Text.of(heading + " " + (lead_in if _ITEM.match(body) else ""))
                for start, end in _pieces(body):
                    units.append(
                        Unit(hit, base + line.start() + start, base + line.start() + end,
                             Text.of(body[start:end]), context, rank)
                    )
                if body.rstrip().endswith(":"):
                    lead_in = body
                elif not _ITEM.match(body):
                    lead_in = ""
        return units

    def passage(self, unit: Unit) -> ClaimPassage:
        document = self.documents[unit.hit.doc_id]
        return ClaimPassage(
            doc_id=document.doc_id,
            source=unit.hit.source,
            doc_title=unit.hit.title or document.source,
            doc_number=unit.hit.doc_number,
            section=unit.hit.section,
            quote=document.text[unit.start : unit.end],
            start=unit.start,
            end=unit.end,
        )


def _states_otherwise(best: _Scored) -> bool:
    """The passage most about the claim is about the same thing (as relevant as a contradicting
    one must be), carries every figure of the claim, and does not say what the claim says: it
    states something else about it ("Cơ sở … do cá nhân, tổ chức … thành lập" for "Cơ sở … do cơ
    quan nhà nước thành lập"). A claim figure the passage lacks makes it another target: not found."""
    return best.relevance >= CONTRADICT_RELEVANCE and not best.alignment.unmatched_numbers


def _otherwise(alignment: Alignment) -> Alignment:
    return Alignment(alignment.coverage, alignment.pairs, [Difference("statement", "", "")], [])


def _outweighs(contra: _Scored, supporting: list[_Scored]) -> bool:
    """The contradicting unit is more about the claim than any supporting one, or as much and a
    part of it (a sentence stating "Hội đồng trọng tài" inside a paragraph whose other sentence
    has the claim's "Trung tâm trọng tài": the paragraph only mixes the two)."""
    if not supporting:
        return True
    best = supporting[0]
    if contra.relevance > best.relevance:
        return True
    return contra.relevance >= best.relevance - 1e-9 and _inside(contra.unit, best.unit)


def _inside(inner: Unit, outer: Unit) -> bool:
    """``inner`` is a strict part of ``outer`` (a sentence of a line)."""
    return (
        inner.hit.doc_id == outer.hit.doc_id
        and outer.start <= inner.start
        and inner.end <= outer.end
        and (inner.start, inner.end) != (outer.start, outer.end)
    )


def _holds(whole: _Scored, supporting: list[_Scored]) -> bool:
    """A clause of the contradicting unit supports the claim on its own: what differs is in
    another clause of the same sentence."""
    unit = whole.unit
    return any(
        s.unit.hit.doc_id == unit.hit.doc_id and unit.start <= s.unit.start and s.unit.end <= unit.end
        for s in supporting
    )


def spell_out(claim: str) -> str:
    """Abbreviations replaced by the words the documents use ("BHYT" → "bảo hiểm y tế"),
    document numbers ("72-NQ/TW") left as written."""
    out, position = [], 0
    for match in DOC_NUMBER_PATTERN.finditer(claim):
        out.append(_ABBREVIATION_SPELLED.sub(r"\2", expand_abbreviations(claim[position : match.start()])))
        out.append(match.group(0))
        position = match.end()
    out.append(_ABBREVIATION_SPELLED.sub(r"\2", expand_abbreviations(claim[position:])))
    return "".join(out)


def syllable_weights(documents: dict[str, Document]) -> dict[str, float]:
    """IDF of each folded syllable over the lines of the documents: "nghị quyết" says little,
    "niềng răng" a lot."""
    frequency: Counter[str] = Counter()
    lines = 0
    for document in documents.values():
        for line in fold_diacritics(document.text).lower().splitlines():
            words = {spelling_key(w) for w in _SYLLABLE.findall(line)}
            if words:
                lines += 1
                frequency.update(words)
    return {word: math.log((lines + 1) / (count + 1)) + 1.0 for word, count in frequency.items()}


def _pieces(line: str) -> list[tuple[int, int]]:
    """Sentences of a line, and the line itself when it has several (a claim may span two)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(line):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(line)))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and _MARKER_ONLY.match(line[merged[-1][0] : merged[-1][1]]):
            merged[-1] = (merged[-1][0], b)  # "1." is the item's number, not a sentence
        else:
            merged.append((a, b))
    spans = [(a, b) for a, b in merged if line[a:b].strip()]
    if len(spans) > 1:
        spans.append((spans[0][0], spans[-1][1]))
    return spans


def _unique(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for unit in units:
        key = (unit.hit.doc_id, unit.start, unit.end)
        if key not in seen:
            seen.add(key)
            out.append(unit)
    return out


def _distinct_passages(units: list[Unit], checker: ClaimChecker) -> list[ClaimPassage]:
    out: list[ClaimPassage] = []
    for unit in units:
        passage = checker.passage(unit)
        if any(p.doc_id == passage.doc_id and p.start < passage.end and passage.start < p.end for p in out):
            continue
        out.append(passage)
    return out


def _quote_line(passage: ClaimPassage) -> str:
    quote = " ".join(passage.quote.split())
    if len(quote) > 300:
        quote = quote[:299].rsplit(" ", 1)[0] + "…"
    number = f" số {passage.doc_number}" if passage.doc_number else ""
    return f"«{quote}» ({passage.doc_title}{number})"


def _explain(difference: Difference) -> str:
    if difference.kind == "statement":
        return "văn bản nói về điều này nhưng không nêu như nhận định"
    if difference.kind == "exception":
        return f"văn bản có ngoại lệ «{difference.stated}…» mà nhận định bỏ qua"
    if difference.kind in {"negation", "modality", "scope"}:
        if difference.stated:
            return f"nhận định ghi «{difference.claimed}», văn bản ghi «{difference.stated}»"
        return f"văn bản không có ý «{difference.claimed}»" if difference.claimed else ""
    if difference.stated:
        return f"văn bản ghi «{difference.stated}», không phải «{difference.claimed}»"
    return f"văn bản không ghi «{difference.claimed}»"
