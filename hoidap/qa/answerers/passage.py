"""The passages that answer, quoted verbatim: the sentence with the figure, the item with its
bullets, the clause of an article; for a true/false question the provision that decides it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.domain import Document
from hoidap.index.retriever import ScoredChunk
from hoidap.qa import labels
from hoidap.qa.answerers.lists import ListReader
from hoidap.qa.passages import ACTOR_WORDS, Draft, Evidence, clean_for_answer, text_terms
from hoidap.qa.question import Question
from hoidap.vntext import fold_diacritics

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer


class PassageAnswerer:
    """Everything no other answerer took: the best passages, widened to full statements, or an
    item with its bullets when the question asks for a list or the best passage heads one."""

    name = "passage"

    def __init__(self, passages: Composer) -> None:
        self.passages = passages
        self.documents = passages.documents
        self.lexical = passages.lexical
        self.max_sentences = passages.max_sentences
        self.lists = ListReader(passages)

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        return self.content_answer(question, hits)

    def content_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        units = self.passages.best_units(question, hits)
        if not units:
            return Draft(answerable=False, refusal="không tìm thấy đoạn văn bản liên quan")
        if (
            question.intent == "list"
            or self.lists.is_heading(units[0])
            or self.lists.is_intro(units[0])
            or self._asks_about_item_actor(question, units[0])
        ):
            listed = self.lists.read(question, units[0])
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


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.chunk.doc_id == b.chunk.doc_id and a.start < b.end and b.start < a.end


def _same_text(documents: dict[str, Document], a: Evidence, b: Evidence) -> bool:
    text_a = clean_for_answer(documents[a.chunk.doc_id].text[a.start : a.end]).lower()
    text_b = clean_for_answer(documents[b.chunk.doc_id].text[b.start : b.end]).lower()
    return text_a == text_b
