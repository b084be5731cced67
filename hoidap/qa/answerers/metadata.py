"""Facts about a document itself (signer, date, recipients, issuer, number, title), from its
header and signature blocks: exact lookups rather than passage matches."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.domain import Chunk, Document
from hoidap.index.retriever import ScoredChunk
from hoidap.qa import labels
from hoidap.qa.answerers.passage import PassageAnswerer
from hoidap.qa.answerers.references import (
    CitedDocuments,
    asked_type,
    asks_about_a_cited_document,
    dated_after,
    is_of_type,
    named_type,
)
from hoidap.qa.passages import Draft, Evidence, clean_for_answer, trim_span
from hoidap.qa.question import Question
from hoidap.vntext import DOC_NUMBER_PATTERN

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer

_METADATA_INTENTS = frozenset({"signer", "date", "recipients", "issuer", "doc_number", "title"})


class MetadataAnswerer:
    """Who signed, when issued, to whom, by whom, the number, the title. A document the question
    names but the collection only cites is looked up among the citing clauses (``cited``); a
    number or date asked of a document that builds on another may be quoted from its passages
    (``passage``)."""

    name = "metadata"

    def __init__(self, passages: Composer, cited: CitedDocuments, passage: PassageAnswerer) -> None:
        self.passages = passages
        self.cited = cited
        self.passage = passage
        self.chunks_by_doc = passages.chunks_by_doc
        self.identities = passages.identities

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        if question.intent not in _METADATA_INTENTS or not self._about_identity(question, hits):
            return None
        return self._metadata_answer(question, hits)

    def _about_identity(self, question: Question, hits: list[ScoredChunk]) -> bool:
        """Whether a number/date/issuer question is about one of our documents themselves.

        "Kế hoạch này số mấy" is; "Chính phủ ban hành chương trình … bằng nghị quyết số mấy" is
        about a document the corpus only cites, whose answer sits in running text. Signer and
        date questions, and questions naming a cited document by number, decide it themselves.
        """
        if question.intent in ("signer", "date", "title") or self.cited.external_subject(question) is not None:
            return True
        return any(hit.chunk.kind in ("header", "signature", "recipients") for hit in hits[:3])

    def _metadata_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        external = self.cited.external_subject(question)
        asked = named_type(question)
        if external is not None and asked and asked != external[0]:
            # "… triển khai NQ72 theo chương trình hành động nào, số mấy": NQ72 is context, the
            # programme is asked about.
            external = None
        elif external is not None:
            if question.intent == "date":
                return self.cited.reference_date_answer(question, external) or Draft(
                    False, refusal="không rõ ngày của văn bản"
                )
            if question.intent in ("signer", "recipients", "doc_number"):
                return Draft(False, refusal="văn bản được hỏi không có trong kho")
            return None
        document = self.cited.target_document(question, hits)
        if document is None:
            return None
        meta = document.metadata
        # Numbered documents by type and number, others by their full title.
        label = labels.document_label(document, short=bool(meta.number))
        chunk_lookup = self.chunks_by_doc.get(document.doc_id, [])

        def block(kind: str) -> Chunk | None:
            return next((c for c in chunk_lookup if c.kind == kind), None) or self._chunk_of_kind(document, kind, hits)

        def evidence_for(chunk: Chunk, needle: str | None = None) -> Evidence:
            start, end = chunk.start, chunk.end
            if needle:
                found = document.text.find(needle, chunk.start, chunk.end)
                if found >= 0:
                    start, end = found, found + len(needle)
            start, end = trim_span(document.text, start, end)
            return Evidence(chunk, start, end, 1.0, 1.0)

        if question.intent == "signer":
            signature = block("signature")
            if not meta.signer_name or signature is None:
                return Draft(False, refusal="văn bản không ghi người ký")
            if re.search(r"\bchuc (vu|danh)\b", question.folded) and not meta.signer_position:
                return Draft(False, refusal="văn bản không ghi chức vụ người ký")
            role = ", ".join(readable_title(p) for p in (meta.signer_authority, meta.signer_position) if p)
            role_text = f" ({role})" if role else ""
            sentence = f"{label} do {meta.signer_name}{role_text} ký"
            return Draft(True, [(sentence, 0)], [evidence_for(signature)], confidence=1.0, exact=True)
        if question.intent == "date":
            header = block("header")
            if header is None or not meta.date_text:
                return self._cited_date_answer(question, hits, document) or Draft(
                    False, refusal="văn bản không ghi ngày ban hành"
                )
            evidence = evidence_for(header, meta.date_text)
            if meta.date_precision == "day" and meta.date:
                year, month, day = meta.date.split("-")
                written = meta.date_text[meta.date_text.find("ngày") :] if "ngày" in meta.date_text else ""
                sentence = f"{label} được ban hành {written or 'ngày'} ({int(day)}/{int(month)}/{year})"
            elif meta.date_precision == "month" and meta.date:
                if _asks_exact_day(question):
                    return Draft(False, refusal="văn bản để trống ngày cụ thể")
                year, month = meta.date.split("-")[:2]
                sentence = (
                    f"{label} ghi thời gian ban hành là tháng {month} năm {year}; "
                    "văn bản để trống ngày cụ thể"
                )
            else:
                sentence = f"{label} ghi thời gian: {clean_for_answer(meta.date_text)}"
            if meta.place:
                sentence += f", tại {meta.place}"
            return Draft(True, [(sentence, 0)], [evidence], confidence=1.0, exact=True)
        if question.intent == "recipients":
            if meta.recipients:
                header = block("header")
                if header is None:
                    return None
                found = document.text.find("Kính gửi", header.start, header.end)
                evidence = evidence_for(header)
                if found >= 0:
                    start, end = trim_span(document.text, found, header.end)
                    evidence = Evidence(header, start, end, 1.0, 1.0)
                sentence = f"{label} kính gửi: " + "; ".join(meta.recipients)
                return Draft(True, [(sentence, 0)], [evidence], confidence=1.0, exact=True)
            recipients = block("recipients")
            if recipients is None or not meta.cc:
                return None
            sentence = f"Nơi nhận của {label[0].lower() + label[1:]} gồm: " + "; ".join(meta.cc)
            return Draft(True, [(sentence, 0)], [evidence_for(recipients)], confidence=1.0, exact=True)
        if question.intent == "title":
            header = block("header")
            if header is None or not meta.title:
                return None
            kind = " số ".join(x for x in (meta.doc_type or "Văn bản", meta.number) if x)
            title = clean_for_answer(meta.title)
            sentence = title if not meta.number and title.lower().startswith(kind.lower()) else f"{kind}: {title}"
            return Draft(True, [(sentence, 0)], [self._title_evidence(document, header)], confidence=1.0, exact=True)
        if question.intent == "issuer":
            header = block("header")
            if header is None or not meta.issuer:
                return None
            sentence = f"{label} do {meta.issuer} ban hành"
            return Draft(True, [(sentence, 0)], [evidence_for(header)], confidence=1.0, exact=True)
        if question.intent == "doc_number":
            header = block("header")
            if header is None:
                return None
            if meta.number:
                sentence = f"Văn bản mang số {meta.number}"
                return Draft(True, [(sentence, 0)], [evidence_for(header, meta.number)], confidence=1.0, exact=True)
            cited = self._cited_number_answer(question, hits, document)
            if cited is not None:
                return cited
            if meta.number_raw:
                return Draft(False, refusal=f"văn bản để trống số hiệu (ghi “{meta.number_raw}”)")
            return Draft(False, refusal="văn bản không ghi số hiệu")
        return None

    def _cited_number_answer(self, question: Question, hits: list[ScoredChunk], document: Document) -> Draft | None:
        """For "… số mấy" about a document that is cited, not issued, by the corpus: the passage
        naming it with its number ("Kế hoạch số 30-KH/BTGDVTU, ngày 07/2/2026 …"). Skipped when the
        question names the issuer of the retrieved document itself (then its number really is
        blank), unless it asks what that document is based on ("căn cứ kế hoạch số mấy")."""
        wanted = asked_type(question)
        cited = asks_about_a_cited_document(question, document)
        if not cited:
            issuer = document.metadata.issuer or ""
            if issuer and self.passages.coverage_of_text(issuer, question.folded) >= 0.6:
                return None
            if document.doc_id in self.identities.named_by_place(question.folded):
                return None  # the question names this very document by its ward or city
        if wanted and cited:
            # The clause citing a document of the asked type, before any passage that merely
            # mentions one somewhere.
            typed = self.cited.typed_reference_answer(hits, wanted, document, dated=False, question=question)
            if typed is not None:
                return typed
        draft = self.passage.content_answer(question, hits)
        if draft.answerable and draft.evidence:
            text = self.passages.text_of(draft.evidence[0])
            for number in DOC_NUMBER_PATTERN.findall(text):
                if not wanted or is_of_type(number, wanted):
                    return draft
        return None

    def _cited_date_answer(
        self, question: Question, hits: list[ScoredChunk], document: Document | None = None
    ) -> Draft | None:
        """For "… ngày nào" about a document the corpus cites by description ("Chỉ thị của Thủ
        tướng về …"): the passage naming a document of that type with its date."""
        wanted = asked_type(question)
        if not wanted:
            return None
        draft = self.passage.content_answer(question, hits)
        if draft.answerable and draft.evidence:
            text = self.passages.text_of(draft.evidence[0])
            for match in DOC_NUMBER_PATTERN.finditer(text):
                if is_of_type(match.group(0), wanted) and dated_after(text, match.end()):
                    return draft
        if document is not None and not asks_about_a_cited_document(question, document):
            return None  # the document's own date is asked, and it has none
        return self.cited.typed_reference_answer(hits, wanted, None, dated=True, question=question)

    def _chunk_of_kind(self, document: Document, kind: str, hits: list[ScoredChunk]) -> Chunk | None:
        for hit in hits:
            if hit.chunk.doc_id == document.doc_id and hit.chunk.kind == kind:
                return hit.chunk
        return None

    def _title_evidence(self, document: Document, header: Chunk) -> Evidence:
        """The title as printed, over its wrapped lines: from its first words to its last."""
        title = document.metadata.title or ""
        text = document.text
        head = title.split()[:4]
        first = re.search(r"\s+".join(map(re.escape, head)), text[header.start : header.end], re.IGNORECASE) if head else None
        start = header.start + first.start() if first else header.start
        tail = title.split()[-3:]
        last = re.search(r"\s+".join(map(re.escape, tail)), text[start : header.end], re.IGNORECASE) if tail else None
        end = start + last.end() if last else header.end
        start, end = trim_span(text, start, end)
        return Evidence(header, start, end, 1.0, 1.0)


_TITLE_WORDS = {
    "t/m": "T/M", "tm.": "TM.", "kt.": "KT.", "ban thường vụ": "Ban Thường vụ", "bí thư": "Bí thư",
    "thường trực": "Thường trực", "đảng ủy": "Đảng ủy", "ủy ban nhân dân": "Ủy ban nhân dân",
}  # fmt: skip


def readable_title(text: str) -> str:
    """A position written in capitals, in ordinary case: "T/M BAN THƯỜNG VỤ" → "T/M Ban Thường vụ"."""
    if not text.isupper():
        return text
    readable = text.lower()
    for written, proper in _TITLE_WORDS.items():
        readable = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", proper, readable)
    return readable[0].upper() + readable[1:]


def _asks_exact_day(question: Question) -> bool:
    return bool(re.search(r"\b(ngay may|ngay nao|ngay bao nhieu|chinh xac)\b", question.folded))
