"""An item read whole: its heading (or the sentence announcing a list) and its lines in reading
order, over every chunk of the item; when it is too long to read out, the lines that best match
the question. Used by the passage answerer for "những gì" questions and items headed by a body."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.domain import Chunk
from hoidap.ingest.chunking import Span, paragraph_spans
from hoidap.qa.passages import (
    MAX_UNIT_CHARS,
    Draft,
    Evidence,
    clean_for_answer,
    full_sentence_spans,
    line_spans,
    trim_span,
)
from hoidap.qa.question import Question

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer

_MAX_LIST_CHARS = 1100
_MAX_ITEM_CHARS = 800
_ITEM_LABEL = re.compile(r"\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*")
_LABEL_KINDS = (
    ("point", re.compile(r"\s*[a-zđ]\)\s")),
    ("clause", re.compile(r"\s*\d+(?:\.\d+)*\.\s")),
    ("dash", re.compile(r"\s*[-–•*]\s")),
    ("plus", re.compile(r"\s*\+\s")),
)


def _label_kind(line: str) -> str | None:
    """What labels a list line: a point "a)", a numbered clause "1.", a dash or a plus bullet (two
    levels in administrative documents); None for none."""
    return next((kind for kind, pattern in _LABEL_KINDS if pattern.match(line)), None)


class ListReader:
    """Reads the item a passage sits in, with its bullets (see :meth:`read`)."""

    def __init__(self, passages: Composer) -> None:
        self.passages = passages
        self.documents = passages.documents
        self.max_sentences = passages.max_sentences

    def is_intro(self, evidence: Evidence) -> bool:
        """A sentence that announces a list ("…, trong đó:"): the answer is in what follows."""
        text = clean_for_answer(self.passages.text_of(evidence)).rstrip()
        return text.endswith(":") or text.lower().endswith("trong đó")

    def is_heading(self, evidence: Evidence) -> bool:
        """A unit that is only an item heading ("2. Ủy ban nhân dân phường"): its content follows it."""
        text = clean_for_answer(self.passages.text_of(evidence))
        chunk = evidence.chunk
        before = self.documents[chunk.doc_id].text[chunk.start : evidence.start]
        # At the chunk's start, or after nothing but the item's number ("4. ", "b) ").
        at_start = evidence.start == chunk.start or bool(_ITEM_LABEL.fullmatch(before))
        return at_start and len(text) < 120 and not text.endswith((".", ";"))

    def read(self, question: Question, best: Evidence) -> Draft | None:
        """An item with its bullets: its lines in reading order, over all chunks of the item.

        When the whole item is too long to read out, keep its heading (or the sentence that
        announces the list) and the lines that best match the question, still in document order.
        """
        document = self.documents[best.chunk.doc_id]
        chunks = sorted([best.chunk, *self.passages.siblings(best.chunk)], key=lambda c: c.start)
        lines: list[tuple[Chunk, Span]] = []
        for chunk in chunks:
            for paragraph in paragraph_spans(document.text, chunk.start, chunk.end):
                for line in line_spans(document.text, paragraph):
                    # A line longer than a quote is read sentence by sentence.
                    pieces = [line] if line.end - line.start <= MAX_UNIT_CHARS else full_sentence_spans(document.text, line)
                    for span in pieces:
                        if not lines or span.start >= lines[-1][1].end:  # overlapping chunks share lines
                            lines.append((chunk, span))
        if len(lines) < 2:
            return None
        # A heading that matched best means the item as a whole was asked about ("MTTQ làm gì").
        whole_item = question.intent in ("list", "actor") or self.is_heading(best)
        budget = _MAX_LIST_CHARS if whole_item else _MAX_ITEM_CHARS
        total = sum(span.end - span.start for _, span in lines)
        if total <= budget:
            keep = set(range(len(lines)))
        else:
            def line_score(i: int) -> float:
                chunk, span = lines[i]
                return self.passages.unit_score(question, document.text[span.start : span.end], chunk.search_text)

            anchor = next((i for i, (_, span) in enumerate(lines) if span.start <= best.start < span.end + 1), 0)
            listed = self._list_under(document.text, lines, anchor) if self.is_intro(best) else []
            if listed and sum(lines[i][1].end - lines[i][1].start for i in [anchor, *listed]) <= budget:
                # "… phải bảo đảm các yêu cầu sau đây:": the answer is the list it announces, whole.
                return self._draft(question, best, document.text, lines, {anchor, *listed})
            keep = {anchor} if not (self.is_intro(best) or self.is_heading(best)) else set()
            if self.is_heading(Evidence(lines[0][0], lines[0][1].start, lines[0][1].end, 0, 0)):
                keep.add(0)
            used = sum(lines[i][1].end - lines[i][1].start for i in keep)
            # The heading matches by construction; the floor is set by the lines under it.
            floor = 0.35 * max((line_score(i) for i in range(len(lines)) if i not in keep), default=0.0)
            for index in sorted(range(len(lines)), key=lambda i: -line_score(i)):
                if index in keep:
                    continue
                if line_score(index) < floor:
                    break  # lines that do not speak to the question stay out
                length = lines[index][1].end - lines[index][1].start
                if used + length > budget:
                    continue
                keep.add(index)
                used += length
        return self._draft(question, best, document.text, lines, keep)

    @staticmethod
    def _list_under(text: str, lines: list[tuple[Chunk, Span]], intro: int) -> list[int]:
        """The lines of the list a sentence announces: the labelled lines right after it ("a)",
        "-", "+", with their own sub-items), up to the next line labelled like the sentence itself
        (the next clause "3.") or an unlabelled one."""
        own = _label_kind(text[lines[intro][1].start : lines[intro][1].end])
        listed: list[int] = []
        for index in range(intro + 1, len(lines)):
            kind = _label_kind(text[lines[index][1].start : lines[index][1].end])
            if kind is None or kind == own:
                break
            listed.append(index)
        return listed

    def _draft(
        self, question: Question, best: Evidence, source: str, lines: list[tuple[Chunk, Span]], keep: set[int]
    ) -> Draft | None:
        """The kept lines of ``source`` (the document's text) as quotes, best first."""
        selected = [lines[i] for i in sorted(keep)]
        if not selected:
            return None
        # Consecutive lines of one chunk make one quote; a gap or another chunk starts a new one.
        groups: list[list[int]] = []
        previous_index = -2
        for index in sorted(keep):
            if groups and index == previous_index + 1 and lines[groups[-1][-1]][0].chunk_id == lines[index][0].chunk_id:
                groups[-1].append(index)
            else:
                groups.append([index])
            previous_index = index

        def group_rank(group: list[int]) -> float:
            if any(lines[i][1].start <= best.start < lines[i][1].end + 1 for i in group):
                return float("inf")  # the passage that matched the question best
            chunk = lines[group[0]][0]
            return max(
                self.passages.unit_score(question, source[lines[i][1].start : lines[i][1].end], chunk.search_text)
                for i in group
            )

        ranked = sorted(groups, key=group_rank, reverse=True)[: self.max_sentences + 2]
        # Citations are numbered best first; the answer reads in document order.
        evidence: list[Evidence] = []
        for group in ranked:
            chunk = lines[group[0]][0]
            start, end = trim_span(source, lines[group[0]][1].start, lines[group[-1]][1].end)
            evidence.append(Evidence(chunk, start, end, best.score, best.retrieval_score))
        sentences: list[tuple[str, int]] = []
        for group in sorted(ranked, key=lambda g: g[0]):
            joined = _join_lines([clean_for_answer(source[lines[i][1].start : lines[i][1].end]) for i in group])
            sentences.append((joined, ranked.index(group)))
        return Draft(True, sentences, evidence, confidence=best.score)


def _join_lines(lines: list[str]) -> str:
    """Lines of a list, one per line; a line a page break cut in two is joined back with a space."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and out[-1][-1] not in ".;:!?…)”\"" and line[:1].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


