"""The one entry point channels call: load the index once, then ``ask`` and ``search``."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from hoidap.domain import Chunk, Document
from hoidap.index.embedder import Embedder, embedder_from_settings
from hoidap.index.retriever import HybridRetriever, RetrievalResult, ScoredChunk
from hoidap.index.store import LoadedIndex, open_index_store
from hoidap.qa.compose import Composer, Draft, clean_for_answer, trim_span
from hoidap.qa.conversation import record_turn, resolve_followup
from hoidap.qa.followup import Rewrite
from hoidap.qa.labels import citation_label, document_label
from hoidap.qa.named_documents import absent_titles
from hoidap.qa.question import STOPWORDS, Question, analyse
from hoidap.qa.refusal import (
    ABSENT_DOCUMENT,
    OTHER_DOCUMENT,
    RefusalPolicy,
    refusal_message,
    unknown_references,
)
from hoidap.qa.schemas import AskResponse, Citation, SearchHit, SearchResponse
from hoidap.records import Records
from hoidap.settings import Settings
from hoidap.vntext import expand_colloquial, is_unaccented, strip_format_characters

REFUSAL_TEXT = "Các văn bản hiện có không đề cập đến nội dung này, nên tôi không thể trả lời chính xác."
REFUSAL_WITH_CLOSEST = " Các đoạn văn bản gần nhất được liệt kê bên dưới để tham khảo."


# What edges may use: the service, its data shapes, and the quoting and naming rules they share.
__all__ = [
    "STOPWORDS",
    "AskTrace",
    "DirectServing",
    "Exchange",
    "QAService",
    "QuestionRejected",
    "clean_for_answer",
    "content_terms",
    "document_label",
    "trim_span",
]


def content_terms(text: str) -> frozenset[str]:
    """The words of ``text`` that carry its content (folded, stopwords and question words left out),
    as question analysis sees them: for grouping similar questions."""
    return frozenset(analyse(text).content_terms)


class QuestionRejected(ValueError):
    """A question that cannot be processed (empty, too long); ``code`` follows the API contract."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_ITEM_LETTER = re.compile(r"[a-zđ]\)\s")
# Questions putting two named documents side by side ("Phúc Lợi và Bạch Đằng …", "… với …",
# "cả hai", "giống nhau không"); only used when the question names two documents.
_COMPARES = re.compile(r"\b(va|voi|ca hai|ca 2|hai van ban|2 van ban|giong|khac|so sanh)\b")


class AnswerSource(Protocol):
    """Answers a standalone question; returns the response and whether it came from a cache."""

    def __call__(self, question: str, top_k: int) -> tuple[AskResponse, bool]: ...


class Serving(Protocol):
    """A service ready to answer, with its answer source (the API's holds a cache per index version)."""

    @property
    def service(self) -> QAService: ...

    def answer(self, question: str, top_k: int) -> tuple[AskResponse, bool]: ...


@dataclass(frozen=True)
class Exchange:
    """One conversation turn as answered: the response, how the question was read, cache or not."""

    response: AskResponse
    rewrite: Rewrite
    from_cache: bool = False

    @property
    def interpreted_question(self) -> str | None:
        return self.rewrite.question if self.rewrite.rewritten else None


@dataclass
class AskTrace:
    """Diagnostics for evaluation and benchmarks: what was retrieved and how long each stage took."""

    question: Question
    retrieval: RetrievalResult
    draft: Draft
    coverage: float
    refusal_reason: str | None
    timings_ms: dict[str, float] = field(default_factory=dict)


class QAService:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        settings: Settings,
        refusal: RefusalPolicy | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.refusal = refusal or RefusalPolicy()
        self.retriever = HybridRetriever(index, embedder, pool=settings.candidate_pool)
        self.composer = Composer(
            index.documents, index.chunks, index.lexical, self.retriever.identities, settings.max_answer_sentences
        )
        self.composer.warm(index.chunks)

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder | None = None) -> QAService:
        embedder = embedder or embedder_from_settings(settings)
        index = open_index_store(settings).load(expected_embedder=embedder.name)
        return cls(index, embedder, settings)

    # ---------- validation ----------
    def validate_question(self, question: str) -> str:
        # Invisible format characters (zero-width space, bidi marks) would split words: gone first.
        cleaned = strip_format_characters(question).strip() if isinstance(question, str) else ""
        if not cleaned:
            raise QuestionRejected("question_empty", "Câu hỏi đang trống. Hãy nhập câu hỏi của bạn.")
        if len(cleaned) > self.settings.max_question_chars:
            raise QuestionRejected(
                "question_too_long",
                f"Câu hỏi quá dài ({len(cleaned)} ký tự). Hãy rút gọn dưới "
                f"{self.settings.max_question_chars} ký tự.",
            )
        if not any(ch.isalnum() for ch in cleaned):
            raise QuestionRejected("question_invalid", "Câu hỏi không có chữ hoặc số nào. Hãy nhập câu hỏi bằng chữ.")
        return cleaned

    # ---------- public API ----------
    def ask(self, question: str, top_k: int = 5, conversation_id: str | None = None) -> AskResponse:
        response, _ = self.ask_with_trace(question, top_k=top_k, conversation_id=conversation_id)
        return response

    def ask_with_trace(
        self, question: str, top_k: int = 5, conversation_id: str | None = None
    ) -> tuple[AskResponse, AskTrace]:
        cleaned = self.validate_question(question)
        # Everyday words get the documents' wording appended ("thuốc nam" → "y học cổ truyền").
        expanded = expand_colloquial(cleaned)
        # Typed without diacritics, the question is read with them restored: "co quan bao chi" keeps
        # "cơ quan báo chí" as content instead of dropping "có", "bao", "chỉ" as question words.
        accented = self.index.accents.restore_in_place(expanded) if is_unaccented(expanded) else None
        analysed = analyse(expanded, accented=accented)
        pool = max(top_k, 8)
        # A longer list than the answer needs, for the named-document retry below (cheap: the
        # fusion already scored every candidate).
        ranked = self.retriever.search(expanded, k=pool * 4)
        retrieval = replace(ranked, hits=ranked.hits[:pool])
        started = time.perf_counter()
        named = set(ranked.named_documents)
        draft = self.composer.compose(analysed, retrieval.hits)
        reason, coverage = self._check(analysed, draft, named)
        if len(named) >= 2 and _COMPARES.search(analysed.folded):
            # "… ở phường Bạch Đằng với phường Nguyễn Nghiêm có giống nhau không": each named
            # document answers for itself, one after the other.
            combined = self._per_document(analysed, ranked.hits, named, pool)
            if combined is not None:
                draft, reason = combined, None
                coverage = self._check(analysed, combined, named)[1]
        if reason == OTHER_DOCUMENT:
            # The question names a document (its ward, its number) but the best passage is another
            # document's: answer from the named document's own passages if they pass every check.
            own = [hit for hit in ranked.hits if hit.chunk.doc_id in named][:pool]
            retry = self.composer.compose(analysed, own) if own else None
            if retry is not None and retry.answerable:
                retry_reason, retry_coverage = self._check(analysed, retry, named)
                if retry_reason is None:
                    draft, reason, coverage = retry, None, retry_coverage
        answerable = draft.answerable and reason is None
        response = self._render(
            draft if answerable else None, retrieval.hits, top_k, conversation_id, reason=reason or draft.refusal
        )
        timings = dict(retrieval.timings_ms)
        timings["answer"] = (time.perf_counter() - started) * 1000
        return response, AskTrace(analysed, retrieval, draft, coverage, reason, timings)

    def _per_document(self, analysed: Question, ranked: list[ScoredChunk], named: set[str], pool: int) -> Draft | None:
        """One answer per named document (its first sentence and evidence), when at least two of
        them answer and pass every check; documents in the order their passages rank."""
        order = list(dict.fromkeys(hit.chunk.doc_id for hit in ranked if hit.chunk.doc_id in named))
        sentences: list[tuple[str, int]] = []
        evidence = []
        for doc_id in order:
            own = [hit for hit in ranked if hit.chunk.doc_id == doc_id][:pool]
            draft = self.composer.compose(analysed, own)
            if not draft.answerable or not draft.sentences:
                continue
            reason, _ = self._check(analysed, draft, {doc_id})
            if reason is not None:
                continue
            text, index = draft.sentences[0]
            document = self.index.documents[doc_id]
            label = document_label(document)
            if not text.startswith(("Theo ", label, document_label(document, short=False))):
                text = f"Theo {label}: {text}"
            evidence.append(draft.evidence[index])
            sentences.append((text, len(evidence) - 1))
        if len(sentences) < 2:
            return None
        return Draft(True, sentences, evidence, confidence=0.9, exact=False)

    def _check(self, analysed: Question, draft: Draft, named: set[str]) -> tuple[str | None, float]:
        """Why ``draft`` must be a refusal (None: answer it), and its coverage of the question."""
        absent = absent_titles(analysed.text, self.index.documents)
        if absent:
            # "Theo Luật Điện ảnh, …" with no such law: another law's wording is no answer.
            if is_unaccented(analysed.text):  # "Luat Dien anh" is read back as "Luật Điện ảnh"
                absent = [self._accented_title(title) for title in absent]
            return f"{ABSENT_DOCUMENT} {', '.join(absent)}", 0.0
        unknown = unknown_references(analysed, self.index.documents)
        if unknown:
            # Before the exact lookups too: "Quyết định 99/QĐ-UBND do ai ký?" is not about 27/QĐ-UBND.
            return f"văn bản không có trong kho: {', '.join(unknown)}", 0.0
        if not draft.answerable:
            return draft.refusal, 0.0
        evidence_texts = [e.chunk.search_text for e in draft.evidence]
        coverage = self.composer.coverage(analysed, "\n".join(evidence_texts), bigrams=False)
        if draft.exact:  # metadata answers are exact lookups, not matches
            return None, coverage
        main = draft.evidence[draft.sentences[0][1]] if draft.sentences else draft.evidence[0]
        # The main quote as read on its own: document title, headings, the quoted span.
        main_context = "\n".join(
            (main.chunk.search_text.split("\n", 1)[0], " › ".join(main.chunk.section_path), self.composer.text_of(main))
        )
        reason = self.refusal.reason_to_refuse(
            analysed,
            evidence_texts,
            coverage,
            self.index.documents,
            unknown_words=self.composer.unknown_terms(analysed),
            # The passage the answer stands on must hold the question's rare words itself: a later
            # passage that mentions "phim" does not make a land-law clause an answer about films.
            rare_missing=self.composer.rare_terms_missing(analysed, evidence_texts[0]),
            named_documents=named,
            # The main passage must be the named document's; later ones may add others.
            evidence_documents={draft.evidence[0].chunk.doc_id},
            main_answer=draft.sentences[0][0] if draft.sentences else None,
            # A year in the document's title ("Nghị quyết … ngày 09/9/2025") is no year of the passage.
            main_passage=" › ".join(draft.evidence[0].chunk.section_path) + "\n" + draft.evidence[0].chunk.text,
            main_coverage=self.composer.coverage(analysed, main_context, bigrams=False),
        )
        return reason, coverage

    def _accented_title(self, title: str) -> str:
        """A title typed without diacritics, with them restored and its capitals kept."""
        typed = title.split()
        restored = self.retriever.index.accents.restore(title).split()
        if len(restored) != len(typed):
            return title
        return " ".join(r[:1].upper() + r[1:] if t[:1].isupper() else r for t, r in zip(typed, restored, strict=True))

    def question_vectors(self, questions: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``questions`` as retrieval embeds them (accents restored first), one row
        each: for grouping similar questions, not for answering."""
        if not questions:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([self.embedder.embed_query(self.retriever.dense_query_text(q)[0]) for q in questions])

    # ---------- the collection, for every edge (no edge reads the index's own dicts) ----------
    @property
    def version(self) -> str:
        """The index version this service answers from (a new version is a new service)."""
        return self.index.version

    def documents(self) -> list[Document]:
        """Every document of the collection, ordered by source file name."""
        return sorted(self.index.documents.values(), key=lambda document: document.source)

    def document(self, doc_id: str) -> Document | None:
        return self.index.documents.get(doc_id)

    def document_label(self, document: Document) -> str:
        """The short name answers use for a document ("Kế hoạch của phường …", "Công văn số …")."""
        return document_label(document)

    def chunk_counts(self) -> dict[str, int]:
        """Passages per document id."""
        counts: dict[str, int] = {}
        for chunk in self.index.chunks:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
        return counts

    def passages(self, query: str, k: int = 20) -> list[ScoredChunk]:
        """The ``k`` best passages for ``query`` (everyday words expanded as for questions), best first:
        for features that work on passages rather than on one answer (talking points, claims)."""
        return self.retriever.search(expand_colloquial(query), k=k).hits

    def converse(
        self,
        question: str,
        records: Records,
        conversation_id: str | None = None,
        *,
        top_k: int = 5,
        answer: AnswerSource | None = None,
    ) -> Exchange:
        """One turn of a conversation, the same for every channel: resolve a follow-up against the
        conversation's recent turns, answer the standalone question (through ``answer``, e.g. a
        cache, when given), record the turn. Raises :class:`QuestionRejected` for a bad question."""
        question = self.validate_question(question)
        given = conversation_id.strip() if conversation_id and conversation_id.strip() else None
        conversation_id = given or uuid.uuid4().hex
        rewrite = resolve_followup(
            question,
            records,
            given,
            history_turns=self.settings.followup_turns,
            max_chars=self.settings.max_question_chars,
        )
        if answer is None:
            response, from_cache = self.ask(rewrite.question, top_k=top_k), False
        else:
            response, from_cache = answer(rewrite.question, top_k)
        response = response.model_copy(update={"conversation_id": conversation_id})
        record_turn(records, conversation_id, question, rewrite.question, response)
        return Exchange(response=response, rewrite=rewrite, from_cache=from_cache)

    def restore_accents(self, text: str) -> str:
        """``text`` with its accents put back as retrieval does for an unaccented question
        (unchanged when it already has them): for edges that read words, not just match them."""
        return self.retriever.dense_query_text(text)[0] if is_unaccented(text) else text

    def search(self, query: str, k: int = 5) -> SearchResponse:
        cleaned = self.validate_question(query)
        result = self.retriever.search(cleaned, k=k)
        return SearchResponse(hits=[self._hit(h.chunk, h.chunk.start, h.chunk.end, h.score) for h in result.hits])

    # ---------- internals ----------
    def _hit(self, chunk: Chunk, start: int, end: int, score: float) -> SearchHit:
        document = self.index.documents[chunk.doc_id]
        start, end = trim_span(document.text, start, end)
        return SearchHit(
            doc_id=chunk.doc_id,
            source=chunk.source,
            title=document_label(document, short=False),
            label=citation_label(document, chunk.section_path),
            doc_number=document.metadata.number,
            issued=document.metadata.date,
            section=chunk.section,
            quote=document.text[start:end],
            text=chunk.text,
            score=round(float(score), 4),
        )

    def _render(
        self,
        draft: Draft | None,
        hits: list[ScoredChunk],
        top_k: int,
        conversation_id: str | None,
        reason: str | None = None,
    ) -> AskResponse:
        answer_id = uuid.uuid4().hex
        if draft is None:
            closest = [
                Citation(n=i + 1, **self._hit(h.chunk, h.chunk.start, h.chunk.end, h.score).model_dump())
                for i, h in enumerate(hits[: min(2, top_k)])
            ]
            text = refusal_message(reason, [h.chunk for h in hits], self.index.documents) + (
                REFUSAL_WITH_CLOSEST if closest else ""
            )
            return AskResponse(
                answer=text, answerable=False, citations=closest, conversation_id=conversation_id, answer_id=answer_id
            )
        citations: list[Citation] = []
        for i, evidence in enumerate(draft.evidence):
            hit = self._hit(evidence.chunk, evidence.start, evidence.end, evidence.retrieval_score)
            citations.append(Citation(n=i + 1, **hit.model_dump()))
        lines = []
        for text, index in draft.sentences:
            body = text.rstrip()
            if body.endswith((".", ";", ",", ":")):
                body = body[:-1].rstrip()
            # A quoted clause may start mid-sentence ("phấn đấu đến năm 2030 …"); the answer line
            # starts with a capital like any sentence (the citation keeps the verbatim quote).
            if not _ITEM_LETTER.match(body):  # "e) Đến năm 2030 …" keeps its item letter
                body = body[:1].upper() + body[1:]
            lines.append(f"{body} [{index + 1}].")
        answer = "\n".join(lines)
        # Further passages the reader may want, ranked after the quoted ones.
        used = {c.text for c in citations}
        for hit in hits:
            if len(citations) >= top_k:
                break
            if hit.chunk.text in used:
                continue
            used.add(hit.chunk.text)
            extra = self._hit(hit.chunk, hit.chunk.start, hit.chunk.end, hit.score)
            citations.append(Citation(n=len(citations) + 1, **extra.model_dump()))
        return AskResponse(
            answer=clean_for_answer(answer) if "\n" not in answer else answer,
            answerable=True,
            citations=citations,
            conversation_id=conversation_id,
            answer_id=answer_id,
        )


@dataclass(frozen=True)
class DirectServing:
    """A :class:`Serving` without a cache: every question goes to the service."""

    service: QAService

    def answer(self, question: str, top_k: int) -> tuple[AskResponse, bool]:
        return self.service.ask(question, top_k=top_k), False
