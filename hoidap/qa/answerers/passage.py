"""The passages that answer, quoted verbatim: the sentence with the figure, the item with its
bullets, the clause of an article; for a true/false question the provision that decides it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.domain import Chunk, Document
from hoidap.index.retriever import ScoredChunk
from hoidap.ingest.chunking import Span, paragraph_spans
from hoidap.qa import labels
from hoidap.qa.passages import (
    ACTOR_WORDS,
    MAX_UNIT_CHARS,
    Draft,
    Evidence,
    clean_for_answer,
    full_sentence_spans,
    line_spans,
    text_terms,
    trim_span,
)
from hoidap.qa.question import Question
from hoidap.vntext import fold_diacritics

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer

_MAX_LIST_CHARS = 1100
_MAX_ITEM_CHARS = 800
_ITEM_LABEL = re.compile(r"\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*")


class PassageAnswerer:
    """Everything no other answerer took: the best passages, widened to full statements, or an
    item with its bullets when the question asks for a list or the best passage heads one."""

    name = "passage"

    def __init__(self, passages: Composer) -> None:
        self.passages = passages
        self.documents = passages.documents
        self.lexical = passages.lexical
        self.max_sentences = passages.max_sentences

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        return self.content_answer(question, hits)

    def content_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        units = self.passages.best_units(question, hits)
        if not units:
            return Draft(answerable=False, refusal="không tìm thấy đoạn văn bản liên quan")
        if (
            question.intent == "list"
            or self._is_heading(units[0])
            or self._is_intro(units[0])
            or self._asks_about_item_actor(question, units[0])
        ):
            listed = self._list_answer(question, units[0])
            if listed is not None:
                return listed
        best = self.passages.widen(units[0])
        chosen = [best]
        covered = self._covered_terms(question, self.passages.text_of(best))
        # Greedy: add passages that cover question terms the chosen ones miss (multi-part and
        # cross-document questions), or that state the same thing in another document.
        for candidate in units[1:12]:
            if len(chosen) >= self.max_sentences:
                break
            if candidate.score < 0.6 * best.score:
                break
            widened = self.passages.widen(candidate)
            if any(_overlaps(widened, c) or _same_text(self.documents, widened, c) for c in chosen):
                continue
            text = self.passages.text_of(widened)
            gain = self._covered_terms(question, text) - covered
            other_document = widened.chunk.doc_id not in {c.chunk.doc_id for c in chosen}
            gain_weight = sum(self.lexical.idf(t) for t in gain)
            total_weight = sum(self.lexical.idf(t) for t in set(question.content_terms)) or 1.0
            if gain_weight / total_weight >= 0.15 or (other_document and candidate.score >= 0.85 * best.score):
                chosen.append(widened)
                covered |= self._covered_terms(question, text)
        # The best passage stays first; the others follow, grouped by document, in reading order.
        best_first = chosen[0]
        chosen = [best_first] + sorted(chosen[1:], key=lambda e: (e.chunk.doc_id != best_first.chunk.doc_id, e.chunk.doc_id, e.start))
        sentences = [(clean_for_answer(self.passages.text_of(e)), i) for i, e in enumerate(chosen)]
        if question.intent == "actor":
            sentences = [(self._with_actor_heading(e, text), i) for (text, i), e in zip(sentences, chosen, strict=True)]
        if len({e.chunk.doc_id for e in chosen}) > 1:
            sentences = [
                (f"Theo {labels.document_label(self.documents[e.chunk.doc_id])}: {text}", i)
                for (text, i), e in zip(sentences, chosen, strict=True)
            ]
        return Draft(True, sentences, chosen, confidence=units[0].score)

    def _covered_terms(self, question: Question, text: str) -> set[str]:
        present = text_terms(text)
        return {t for t in question.content_terms if t in present}

    def _with_actor_heading(self, evidence: Evidence, text: str) -> str:
        """Name the body a task belongs to when only the item heading names it:
        "Ban Tuyên giáo Đảng ủy phường: Thường xuyên định hướng …" (the heading is the quote's
        section, shown with its citation)."""
        if not evidence.chunk.section_path:
            return text
        heading = evidence.chunk.section_path[-1].rstrip(" …")
        if not re.match(r"^\d+(\.\d+)*\.?\s", heading) or not ACTOR_WORDS.search(heading):
            return text
        actor = re.sub(r"^[\d.]+\s*", "", heading).rstrip(":")
        if fold_diacritics(actor).lower() in fold_diacritics(text).lower() or len(actor) > 90:
            return text
        return f"{actor}: {text[0].lower() + text[1:] if text[:2].istitle() else text}"

    def _asks_about_item_actor(self, question: Question, evidence: Evidence) -> bool:
        """"Ban Xây dựng Đảng làm gì?" when the passage sits in the item headed by that body
        ("3. Ban Xây dựng Đảng Đảng ủy phường"): the whole item is the answer."""
        if question.intent not in ("actor", "content", "list") or not evidence.chunk.section_path:
            return False
        heading = evidence.chunk.section_path[-1]
        if not ACTOR_WORDS.search(heading) or not re.match(r"^\d+(\.\d+)*\.?\s", heading):
            return False
        return self.passages.coverage_of_text(re.sub(r"^[\d.]+\s*", "", heading.rstrip(" …")), question.folded) >= 0.6

    def _is_intro(self, evidence: Evidence) -> bool:
        """A sentence that announces a list ("…, trong đó:"): the answer is in what follows."""
        text = clean_for_answer(self.passages.text_of(evidence)).rstrip()
        return text.endswith(":") or text.lower().endswith("trong đó")

    def _is_heading(self, evidence: Evidence) -> bool:
        """A unit that is only an item heading ("2. Ủy ban nhân dân phường"): its content follows it."""
        text = clean_for_answer(self.passages.text_of(evidence))
        chunk = evidence.chunk
        before = self.documents[chunk.doc_id].text[chunk.start : evidence.start]
        # At the chunk's start, or after nothing but the item's number ("4. ", "b) ").
        at_start = evidence.start == chunk.start or bool(_ITEM_LABEL.fullmatch(before))
        return at_start and len(text) < 120 and not text.endswith((".", ";"))

    def _list_answer(self, question: Question, best: Evidence) -> Draft | None:
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
        whole_item = question.intent in ("list", "actor") or self._is_heading(best)
        budget = _MAX_LIST_CHARS if whole_item else _MAX_ITEM_CHARS
        total = sum(span.end - span.start for _, span in lines)
        if total <= budget:
            keep = set(range(len(lines)))
        else:
            def line_score(i: int) -> float:
                chunk, span = lines[i]
                return self.passages.unit_score(question, document.text[span.start : span.end], chunk.search_text)

            anchor = next((i for i, (_, span) in enumerate(lines) if span.start <= best.start < span.end + 1), 0)
            keep = {anchor} if not (self._is_intro(best) or self._is_heading(best)) else set()
            if self._is_heading(Evidence(lines[0][0], lines[0][1].start, lines[0][1].end, 0, 0)):
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
                self.passages.unit_score(question, document.text[lines[i][1].start : lines[i][1].end], chunk.search_text)
                for i in group
            )

        ranked = sorted(groups, key=group_rank, reverse=True)[: self.max_sentences + 2]
        # Citations are numbered best first; the answer reads in document order.
        evidence: list[Evidence] = []
        for group in ranked:
            chunk = lines[group[0]][0]
            start, end = trim_span(document.text, lines[group[0]][1].start, lines[group[-1]][1].end)
            evidence.append(Evidence(chunk, start, end, best.score, best.retrieval_score))
        sentences: list[tuple[str, int]] = []
        for group in sorted(ranked, key=lambda g: g[0]):
            text = _join_lines([clean_for_answer(document.text[lines[i][1].start : lines[i][1].end]) for i in group])
            sentences.append((text, ranked.index(group)))
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


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.chunk.doc_id == b.chunk.doc_id and a.start < b.end and b.start < a.end


def _same_text(documents: dict[str, Document], a: Evidence, b: Evidence) -> bool:
    text_a = clean_for_answer(documents[a.chunk.doc_id].text[a.start : a.end]).lower()
    text_b = clean_for_answer(documents[b.chunk.doc_id].text[b.start : b.end]).lower()
    return text_a == text_b
