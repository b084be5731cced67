"""Talking points on a topic: short, verbatim-grounded lines a propaganda officer can read aloud.

Points come from two places: the targets on the topic (``targets.py``) first, then the sentences of
the retrieved passages that name the topic, main tasks ("MỤC TIÊU", "NHIỆM VỤ") before details.
A point is one sentence of a document, or a part of it cut at ";" — condensing only ever drops
words, so every point is a span of the document text and its citation quotes exactly that span.
Points saying the same thing in several documents are merged and cite all of them.

>>> # topic "bảo hiểm y tế" → first point: "Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên"
>>> # citing Kế hoạch … II.1.e) and Công văn 307-CV/ĐU (same target, two documents)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from hoidap.domain import SECTION_SEPARATOR, Chunk, Document
from hoidap.ingest.chunking import Span, paragraph_spans, sentence_spans
from hoidap.propaganda.targets import Target, section_path
from hoidap.qa.service import STOPWORDS, clean_for_answer, document_label, trim_span
from hoidap.vntext import (
    DOC_NUMBER_PATTERN,
    doc_number_key,
    expand_abbreviations,
    expand_colloquial,
    folded_syllables,
    normalize_text,
)

MAX_POINTS = 7
_MAX_POINT_CHARS = 320
_MIN_POINT_CHARS = 40
_MERGE_SIMILARITY = 0.6
_MAIN_SECTIONS = re.compile(r"MỤC TIÊU|NHIỆM VỤ|Mục tiêu|nhiệm vụ, giải pháp", re.IGNORECASE)
NOT_COVERED = (
    "Các văn bản hiện có không đề cập đến chủ đề “{topic}”. "
    "Hãy thử một chủ đề có trong văn bản, ví dụ: bảo hiểm y tế, y tế cơ sở, y học cổ truyền."
)


class PointCitation(BaseModel):
    doc_id: str
    source: str
    doc_title: str
    doc_number: str | None = None
    section: str
    quote: str  # == document.text[start:end]
    start: int
    end: int


class TalkingPoint(BaseModel):
    text: str  # the quote, markdown and line breaks removed
    kind: Literal["target", "task", "detail"]
    citations: list[PointCitation]


class TalkingPoints(BaseModel):
    topic: str
    points: list[TalkingPoint]
    message: str | None = None  # set when the documents do not cover the topic


def topic_variants(topic: str) -> list[list[str]]:
    """Content words of the topic and of each expansion ("BHYT" → "bảo hiểm y tế", "thuốc nam" → "y học cổ truyền")."""
    expanded = expand_colloquial(expand_abbreviations(normalize_text(topic)))
    inside = re.findall(r"\(([^()]*)\)", expanded)
    outside = re.sub(r"\([^()]*\)", " ", expanded)
    variants: list[list[str]] = []
    for phrase in [outside, *(p for group in inside for p in group.split(";"))]:
        words = folded_syllables(phrase)
        while words and words[0] in STOPWORDS:  # "về bảo hiểm y tế"; inner words stay ("y tế có sở")
            words = words[1:]
        while words and words[-1] in STOPWORDS:
            words = words[:-1]
        if words and words not in variants:
            variants.append(words)
    # "BHYT" alone folds to one word the documents never write out: keep the expansions only
    return [v for v in variants if len(v) > 1 or len(variants) == 1]


def _covers(units: list[str], variant: list[str]) -> tuple[bool, float]:
    """(the variant's words appear in order and together, share of its words present)."""
    joined = " " + " ".join(units) + " "
    contiguous = " " + " ".join(variant) + " " in joined
    present = sum(1 for w in set(variant) if w in set(units)) / len(set(variant))
    return contiguous, present


def _coverage(text: str, variants: list[list[str]]) -> tuple[bool, float]:
    units = folded_syllables(expand_abbreviations(text))
    best = (False, 0.0)
    for variant in variants:
        found = _covers(units, variant)
        if found > best:
            best = found
    return best


def _citation(document: Document, start: int, end: int) -> PointCitation:
    return PointCitation(
        doc_id=document.doc_id,
        source=document.source,
        doc_title=document_label(document, short=False),
        doc_number=document.metadata.number,
        section=SECTION_SEPARATOR.join(section_path(document, start)),
        quote=document.text[start:end],
        start=start,
        end=end,
    )


def _condense(text: str, sentence: Span, variants: list[list[str]]) -> Span:
    """The sentence, or — when it is long — its ";"-clauses that name the topic (words dropped, none added)."""
    start, end = trim_span(text, sentence.start, sentence.end)
    lead = re.match(r"[-+•*\s]+", text[start:end])
    if lead:
        start += lead.end()
    if end - start <= _MAX_POINT_CHARS:
        return Span(start, end)
    clauses: list[Span] = []
    cursor = start
    for match in re.finditer(r";\s*", text[start:end]):
        clauses.append(Span(cursor, start + match.start()))
        cursor = start + match.end()
    clauses.append(Span(cursor, end))
    naming = [c for c in clauses if _coverage(text[c.start : c.end], variants)[0]]
    if not naming:
        return Span(start, end)
    first = naming[0]
    last = first
    for clause in naming[1:]:
        if clause.end - first.start > _MAX_POINT_CHARS:
            break
        last = clause
    return Span(first.start, last.end)


def _clauses_naming(text: str, sentence: Span, variants: list[list[str]]) -> list[Span]:
    """Every ";"-clause of a long sentence that names the topic, each a point of its own (a clause
    cut by ``_condense`` loses the next one: "tuổi thọ … 75,5 tuổi; … sống khỏe mạnh 68 năm")."""
    start, end = trim_span(text, sentence.start, sentence.end)
    if end - start <= _MAX_POINT_CHARS:
        return []
    out = []
    cursor = start
    pieces = [m for m in re.finditer(r";\s*", text[start:end])]
    bounds = [(cursor, start + pieces[0].start())] if pieces else []
    for a, b in zip(pieces, pieces[1:], strict=False):
        bounds.append((start + a.end(), start + b.start()))
    if pieces:
        bounds.append((start + pieces[-1].end(), end))
    for a, b in bounds:
        if b - a >= _MIN_POINT_CHARS and _coverage(text[a:b], variants)[0]:
            out.append(Span(a, b))
    return out[1:]  # the first is what _condense keeps


class _Candidate:
    def __init__(
        self, kind: str, rank: tuple, document: Document, span: Span, target: Target | None = None
    ) -> None:
        self.kind = kind
        self.rank = rank
        self.target = target
        self.citations = [_citation(document, span.start, span.end)]
        self.text = document.text[span.start : span.end]
        self.units = set(folded_syllables(self.text))

    def restates(self, target: Target) -> bool:
        """A passage giving the same figure on the same topic (the target repeated in another section)."""
        return (
            bool(target.value_text and target.topic)
            and target.value_text in self.text
            and (_coverage(self.text, [folded_syllables(target.topic or "")])[0])
        )

    def similar(self, other: _Candidate) -> bool:
        union = self.units | other.units
        return bool(union) and len(self.units & other.units) / len(union) >= _MERGE_SIMILARITY


def _target_candidates(
    targets: Sequence[Target], documents: dict[str, Document], variants
) -> list[_Candidate]:
    groups: dict[str, _Candidate] = {}
    for order, target in enumerate(targets):
        contiguous, _ = _coverage(target.quote, variants)
        if not contiguous:
            continue
        document = documents[target.doc_id]
        key = target.group_key if target.kind == "quantified" else f"goal:{target.doc_id}:{target.start}"
        rank = (0 if target.kind == "quantified" else 1, order)
        candidate = _Candidate("target", rank, document, _enclosing_clause(document.text, target.start, target.end), target)
        if key in groups:
            groups[key].citations.extend(candidate.citations)
        else:
            groups[key] = candidate
    out = list(groups.values())
    for candidate in out:  # targets stated in several documents first
        candidate.rank = (candidate.rank[0], -len(candidate.citations), candidate.rank[1])
    return out


def _enclosing_clause(text: str, start: int, end: int) -> Span:
    """The whole ";"-clause around a target's quote, when short enough: "tuổi thọ trung bình đạt
    trên 75,5 tuổi, trong đó số năm sống khỏe mạnh đạt tối thiểu 68 năm" keeps its second half."""
    left = max(text.rfind(";", 0, start), text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1)
    stops = [i for i in (text.find(";", end), text.find("\n", end), text.find(". ", end)) if i >= 0]
    right = min(stops) if stops else len(text)
    a, b = trim_span(text, left + 1, right)
    lead = re.match(r"[-+•*\s]+", text[a:b])
    if lead:
        a += lead.end()
    if a <= start and end <= b and b - a <= _MAX_POINT_CHARS:
        return Span(a, b)
    return Span(start, end)


def _sentence_candidates(
    hits: Sequence[tuple[Chunk, float]], documents: dict[str, Document], variants, strict: bool
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for rank, (chunk, _score) in enumerate(hits):
        if chunk.kind != "body":
            continue
        document = documents[chunk.doc_id]
        text = document.text
        main = any(_MAIN_SECTIONS.search(label) for label in chunk.section_path)
        for paragraph in paragraph_spans(text, chunk.start, chunk.end):
            for sentence in sentence_spans(text, paragraph):
                contiguous, present = _coverage(text[sentence.start : sentence.end], variants)
                if not (contiguous or (not strict and present >= 0.75)):
                    continue
                for span in [_condense(text, sentence, variants), *_clauses_naming(text, sentence, variants)]:
                    if span.end - span.start < _MIN_POINT_CHARS:
                        continue
                    out.append(_Candidate("task" if main else "detail", (rank,), document, span))
    return out


def _identity_candidates(topic: str, documents: dict[str, Document]) -> list[_Candidate]:
    """A topic naming a document ("Chỉ thị 25-CT/TW …"): first, the sentence that says what it is
    (its number, date and issuer, as the first document mentioning it writes it)."""
    out: list[_Candidate] = []
    for number in {doc_number_key(m.group(0)) for m in DOC_NUMBER_PATTERN.finditer(topic)}:
        for doc_id in sorted(documents):
            document = documents[doc_id]
            match = next(
                (m for m in DOC_NUMBER_PATTERN.finditer(document.text) if doc_number_key(m.group(0)) == number), None
            )
            if match is None:
                continue
            for paragraph in paragraph_spans(document.text, 0, len(document.text)):
                if paragraph.start <= match.start() < paragraph.end:
                    for sentence in sentence_spans(document.text, paragraph):
                        if sentence.start <= match.start() < sentence.end:
                            span = Span(*trim_span(document.text, sentence.start, min(sentence.end, sentence.start + _MAX_POINT_CHARS)))
                            out.append(_Candidate("identity", (0,), document, span))
                    break
            break
    return out


def _overlaps(a: PointCitation, b: PointCitation) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def build_talking_points(
    topic: str,
    documents: dict[str, Document],
    targets: Sequence[Target],
    hits: Sequence[tuple[Chunk, float]],
    max_points: int = MAX_POINTS,
) -> TalkingPoints:
    """Points on ``topic`` from the targets and the retrieved passages ``hits`` (best first)."""
    variants = topic_variants(topic)
    if not variants:
        return TalkingPoints(topic=topic, points=[], message=NOT_COVERED.format(topic=topic.strip()))
    candidates = _identity_candidates(topic, documents)
    candidates += _target_candidates(targets, documents, variants)
    candidates += _sentence_candidates(hits, documents, variants, strict=True)
    if len(candidates) < max_points:
        # sentences holding most of the topic's words, not side by side ("chiều cao trung bình
        # của trẻ em" for "chiều cao trẻ em"), after those naming it
        loose = _sentence_candidates(hits, documents, variants, strict=False)
        for candidate in loose:
            candidate.kind, candidate.rank = "detail", (len(hits) + candidate.rank[0],)
        candidates += loose
    order = {"identity": -1, "target": 0, "task": 1, "detail": 2}
    candidates.sort(key=lambda c: (order[c.kind], c.rank))
    kept: list[_Candidate] = []
    for candidate in candidates:
        if any(_overlaps(a, b) for k in kept for a in k.citations for b in candidate.citations):
            continue
        restated = next((k for k in kept if k.target is not None and candidate.restates(k.target)), None)
        if restated is not None:
            restated.citations.extend(candidate.citations)
            continue
        twin = next((k for k in kept if k.similar(candidate)), None)
        if twin is not None:
            twin.citations.extend(
                c for c in candidate.citations if all(c.doc_id != t.doc_id for t in twin.citations)
            )
            continue
        kept.append(candidate)
    points = [
        TalkingPoint(
            text=_sentence_case(clean_for_answer(k.citations[0].quote)),
            kind="task" if k.kind == "identity" else k.kind,
            citations=k.citations,
        )  # type: ignore[arg-type]
        for k in kept[: max(1, min(max_points, MAX_POINTS))]
    ]
    message = None if points else NOT_COVERED.format(topic=topic.strip())
    return TalkingPoints(topic=topic, points=points, message=message)


def _sentence_case(text: str) -> str:
    """A clause cut from mid-sentence ("tăng tỷ lệ …") read aloud as a sentence: capital first letter."""
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------------------------ formats
def _source_label(citation: PointCitation) -> str:
    number = f" số {citation.doc_number}" if citation.doc_number else ""
    title = citation.doc_title if len(citation.doc_title) <= 90 else citation.doc_title[:87].rstrip() + "…"
    return f"{title}{number}" + (f", mục {citation.section}" if citation.section else "")


def as_text(result: TalkingPoints) -> str:
    """Plain text ready to read aloud: numbered points, each followed by where it comes from."""
    if not result.points:
        return result.message or ""
    lines = [f"Điểm tuyên truyền: {result.topic.strip()}", ""]
    for n, point in enumerate(result.points, start=1):
        lines.append(f"{n}. {point.text.rstrip('.;,:')}.")
        for citation in point.citations:
            lines.append(f"   (Nguồn: {_source_label(citation)})")
    return "\n".join(lines)


def as_markdown(result: TalkingPoints) -> str:
    """Markdown to paste into a Zalo post: points with [n] markers, the sources quoted below."""
    if not result.points:
        return result.message or ""
    lines = [f"**Điểm tuyên truyền: {result.topic.strip()}**", ""]
    sources: list[PointCitation] = []
    for n, point in enumerate(result.points, start=1):
        markers = []
        for citation in point.citations:
            sources.append(citation)
            markers.append(f"[{len(sources)}]")
        lines.append(f"{n}. {point.text.rstrip('.;,:')}. {''.join(markers)}")
    lines += ["", "**Nguồn**", ""]
    for n, citation in enumerate(sources, start=1):
        lines.append(f"[{n}] *{_source_label(citation)}*")
        lines.append(f"> {clean_for_answer(citation.quote)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
