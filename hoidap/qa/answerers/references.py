"""Documents cited by the collection: what a cited document is about, and which documents a
document implements or is based on ("Thực hiện Nghị quyết số 72-NQ/TW …"); which document a
question is about, and how a question names a document's type."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.domain import Chunk, Document, DocumentReference
from hoidap.index.retriever import ScoredChunk
from hoidap.qa.document_types import ASKED_TYPE, REFERENCE, TYPE_CODES, TYPE_NAMES
from hoidap.qa.passages import Draft, Evidence, clean_for_answer, trim_span
from hoidap.qa.question import Question
from hoidap.vntext import DOC_NUMBER_PATTERN, doc_number_key, fold_diacritics

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer

# "CT 28-CT/TW là chỉ thị về cái gì", "NQ 07 về vấn đề gì", "nói về nội dung gì"
_ASKS_TOPIC = re.compile(r"\b(la|noi|de cap)\b.{0,25}\bve (van de |cai |noi dung |linh vuc )?(gi|j)\b|\bve (van de|linh vuc) (gi|j)\b")
_DATE_AFTER_NUMBER = re.compile(r"[,\s]*(ngày\s*)?\d{1,2}/\d{1,2}/\d{4}")
# Words that name a document rather than what it is about: type names and codes (from the
# profile), how one builds on another, and the issuing bodies' common words.
_DOCUMENT_WORDS = frozenset(
    " ".join(TYPE_CODES).split()
    + "hanh dong can cu trien khai cu the hoa ban thuong vu dang uy thanh tinh phuong".split()
)


class CitedDocuments:
    """Lookups over the collection's documents and the documents they cite: which document a
    question is about, and the clause that cites a document by number (with its date, its
    subject, or of the asked type). Shared by the reference, cited-topic and metadata answerers."""

    def __init__(self, passages: Composer) -> None:
        self.passages = passages
        self.documents = passages.documents
        self.chunks_by_doc = passages.chunks_by_doc
        self.identities = passages.identities

    def target_document(self, question: Question, hits: list[ScoredChunk]) -> Document | None:
        """The document a metadata question is about: named by its number, else the best hit's."""
        subject = subject_reference(question)
        if subject is not None:
            for document in self.documents.values():
                own = document.metadata.number
                lead = re.match(r"\d+", own or "")
                if lead and int(lead.group(0)) == subject[1]:
                    return document
        # A question naming one document by its ward or number ("KH của phường Bạch Đằng … ai
        # ký") means that one, even when another plan's signature block ranks higher.
        named = self.identities.matching_documents(question.text)
        if len(named) == 1:
            return self.documents.get(next(iter(named)))
        # Only the documents' own header/signature/recipient blocks speak for the document.
        for hit in hits:
            if hit.chunk.kind in ("header", "signature", "recipients"):
                return self.documents.get(hit.chunk.doc_id)
        return self.documents.get(hits[0].chunk.doc_id)

    def external_subject(self, question: Question) -> tuple[str, int] | None:
        """The question's subject when it is a document cited by, but not in, the corpus ("CT 25")."""
        subject = subject_reference(question)
        if subject is None:
            return None
        for document in self.documents.values():
            lead = re.match(r"\d+", document.metadata.number or "")
            if lead and int(lead.group(0)) == subject[1]:
                return None
        return subject

    def _cited_references(self, question: Question, subject: tuple[str, int]) -> list[DocumentReference]:
        """References matching the question's subject ("CT 25"), most often cited first.

        "CT 25" fits both "25-CT/TW" (Ban Bí thư) and "25/CT-TTg" (Thủ tướng): a full number in
        the question decides; otherwise the one the corpus cites most is meant.
        """
        code, number = subject
        exact = set(question.doc_number_keys)
        found: dict[str, DocumentReference] = {}
        for document in self.documents.values():
            for reference in document.metadata.references:
                lead = re.match(r"(\d+)\s*[-/]\s*([A-Za-zĐđ]+)", reference.number)
                if not lead or int(lead.group(1)) != number:
                    continue
                if not fold_diacritics(lead.group(2)).lower().startswith(code[:2]):
                    continue
                if exact and doc_number_key(reference.number) not in exact:
                    continue
                found.setdefault(reference.number, reference)
        mentions = {n: sum(d.text.count(n) for d in self.documents.values()) for n in found}
        return sorted(found.values(), key=lambda r: -mentions[r.number])

    def _reference_clause_answer(self, question: Question, subject: tuple[str, int], follows: str) -> Draft | None:
        """Quote the clause that cites a document with what ``follows`` its number: a date
        ("… 25-CT/TW ngày 25/10/2023") or its subject ("… của Bộ Chính trị về tăng cường …")."""
        for reference in self._cited_references(question, subject):
            pattern = re.compile(re.escape(reference.number) + follows)
            for document in self.documents.values():
                match = pattern.search(document.text)
                chunk = self.passages.chunk_at(document, match.start()) if match else None
                if match is None or chunk is None:
                    continue
                start = document.text.rfind(reference.text, max(0, match.start() - 60), match.end())
                start = start if start >= 0 else match.start()
                end = _clause_end(document.text, match.end(), chunk.end, 220)
                quote = document.text[start:end]
                evidence = Evidence(chunk, start, end, 1.0, 1.0)
                return Draft(True, [(clean_for_answer(quote), 0)], [evidence], confidence=1.0, exact=True)
        return None

    def reference_date_answer(self, question: Question, subject: tuple[str, int]) -> Draft | None:
        """Date of a cited document, quoted from the sentence that cites it with its date."""
        return self._reference_clause_answer(question, subject, r"[^.;\n]{0,20}?\d{1,2}/\d{1,2}/\d{4}")

    def reference_topic_answer(self, question: Question, subject: tuple[str, int]) -> Draft | None:
        """What a cited document is about: "… của <cơ quan> về <nội dung>"."""
        return self._reference_clause_answer(question, subject, r"[^.;\n]{0,80}?\bvề\b")

    def typed_reference_answer(
        self,
        hits: list[ScoredChunk],
        wanted: str,
        document: Document | None,
        *,
        dated: bool,
        question: Question | None = None,
    ) -> Draft | None:
        """The clause citing a document of type ``wanted`` ("ctr") with its number (and date when
        ``dated``), from the best-ranked passage that has one; then from the rest of ``document``
        (its opening "Thực hiện … Kế hoạch số 30-KH/BTGDVTU …" may rank low). The document's own
        number is not an answer about a document it cites."""
        own = doc_number_key(document.metadata.number) if document and document.metadata.number else None
        named_numbers = (
            {int(m.group(2)) for m in REFERENCE.finditer(question.folded) if m.group(2)} if question else set()
        )
        chunks = [hit.chunk for hit in hits[:6]]
        if document is not None:
            chunks += [c for c in self.chunks_by_doc.get(document.doc_id, []) if c not in chunks]
        candidates: list[tuple[Chunk, Document, re.Match[str], bool]] = []
        for chunk in chunks:
            source = self.documents.get(chunk.doc_id)
            if source is None:
                continue
            for match in DOC_NUMBER_PATTERN.finditer(source.text, chunk.start, chunk.end):
                if not is_of_type(match.group(0), wanted):
                    continue
                if own is not None and doc_number_key(match.group(0)) == own:
                    continue
                lead = re.match(r"\d+", match.group(0))
                if lead and int(lead.group(0)) in named_numbers:
                    continue  # "… thực hiện NQ 72 bằng nghị quyết số mấy": not NQ 72 itself
                has_date = dated_after(source.text, match.end())
                if dated and not has_date:
                    continue
                candidates.append((chunk, source, match, has_date))
        if not candidates:
            return None
        # The best-ranked number; its mention with a date when the passages have one.
        first = doc_number_key(candidates[0][2].group(0))
        same = [c for c in candidates if doc_number_key(c[2].group(0)) == first]
        chunk, source, match, _ = next((c for c in same if c[3]), same[0])
        reference = next(
            (r for r in source.metadata.references if doc_number_key(r.number) == doc_number_key(match.group(0))),
            None,
        )
        start = match.start()
        if reference is not None:
            found = source.text.rfind(reference.text, max(chunk.start, match.start() - 60), match.end())
            start = found if found >= 0 else start
        # The clause may run past the chunk's end (a title wrapped over the header chunk).
        end = _clause_end(source.text, match.end(), len(source.text), 260)
        if source.text[end - 1 : end].isalnum() and source.text[end : end + 1].isalnum():
            end = source.text.rfind(" ", match.end(), end)  # no clause end: stop between words
        if source.text[end : end + 1] == "“":  # the cited title: "… 07/2/2026 về “Tuyên truyền …”"
            closing = source.text.find("”", end, end + 300)
            end = closing + 1 if closing > 0 else end
        start, end = trim_span(source.text, start, end)
        evidence = Evidence(chunk, start, end, 1.0, 1.0)
        # A structural lookup (a number of the asked type in the passage), like the metadata answers.
        return Draft(True, [(clean_for_answer(source.text[start:end]), 0)], [evidence], confidence=0.95, exact=True)

    def opening_references(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        """Which documents a document implements: the opening "Thực hiện …" sentence."""
        document = self.target_document(question, hits)
        if document is None:
            return None
        preamble = next(
            (c for c in self.chunks_by_doc.get(document.doc_id, []) if c.section_path == ["Phần mở đầu"]),
            None,
        )
        if preamble is None:
            return None
        # The whole opening sentence: it lists every document this one builds on, separated by ";"
        # and often quoting their titles ("… “Về một số giải pháp đột phá …” …; Kế hoạch số …").
        stop = re.compile(r"[:\n]|\.\s")
        found = stop.search(document.text, preamble.start + 40, min(preamble.end, preamble.start + 1200))
        end = found.start() if found else _clause_end(document.text, preamble.start + 40, preamble.end, 420)
        start, end = trim_span(document.text, preamble.start, end)
        evidence = Evidence(preamble, start, end, 1.0, 1.0)
        # About the document itself ("kế hoạch của Bạch Đằng căn cứ văn bản nào"): a structural
        # lookup like the metadata answers. With its own subject ("phòng khám tư … theo nghị quyết
        # nào") the opening sentence must still cover the question like any passage.
        subject = {t for t in question.content_terms if t not in _DOCUMENT_WORDS}
        return Draft(
            True,
            [(clean_for_answer(document.text[start:end]), 0)],
            [evidence],
            confidence=0.99,
            exact=len(subject) <= 2,
        )

    def cites_type(self, draft: Draft, wanted: str) -> bool:
        """Whether the draft's quotes name a document of type ``wanted`` by number."""
        for evidence in draft.evidence:
            if any(is_of_type(number, wanted) for number in DOC_NUMBER_PATTERN.findall(self.passages.text_of(evidence))):
                return True
        return False


class CitedTopicAnswerer:
    """"Nghị quyết 72 về vấn đề gì": the clause after the cited number in the citing passage."""

    name = "cited_topic"

    def __init__(self, cited: CitedDocuments) -> None:
        self.cited = cited

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        external = self.cited.external_subject(question)
        if external is not None and _ASKS_TOPIC.search(question.folded):
            return self.cited.reference_topic_answer(question, external)
        return None


class ReferencesAnswerer:
    """"Kế hoạch thực hiện văn bản nào": the documents named in the preamble, of the asked type."""

    name = "references"

    def __init__(self, cited: CitedDocuments) -> None:
        self.cited = cited

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        if question.intent != "references" or self.cited.external_subject(question) is not None:
            return None
        draft = self.cited.opening_references(question, hits)
        wanted = named_type(question)  # only a type the question asks for by name
        if draft is not None and wanted and not self.cited.cites_type(draft, wanted):
            # "… kết hợp thực hiện kết luận nào": the opening "Thực hiện …" names no conclusion.
            draft = self.cited.typed_reference_answer(hits, wanted, None, dated=False, question=question)
        return draft


def subject_reference(question: Question) -> tuple[str, int] | None:
    """(type code, number) of the first document the question names, if it names it by number.

    "CT 25-CT/TW do cơ quan nào ban hành" → ("ct", 25); "KH thực hiện NQ 72 ai ký" → None (the
    subject, the plan, is named without a number; NQ 72 only describes it).
    """
    match = REFERENCE.search(question.folded)
    if match is None or match.group(2) is None:
        return None
    number = int(match.group(2))
    if 1900 <= number <= 2100:
        return None
    return TYPE_CODES.get(match.group(1), match.group(1)), number


def subject_type(question: Question) -> str | None:
    """Type code of the first document type the question names ("KH số mấy" → "kh")."""
    match = REFERENCE.search(question.folded)
    return TYPE_CODES.get(match.group(1), match.group(1)) if match else None


def named_type(question: Question) -> str | None:
    """Type code of a document the question asks for by name: "chương trình hành động nào",
    "kế hoạch số mấy" → "ctr", "kh"."""
    asked = ASKED_TYPE.search(question.folded)
    return TYPE_CODES.get(asked.group(1), asked.group(1)) if asked else None


def asked_type(question: Question) -> str | None:
    """Type code of the document asked about: the one followed by "số mấy"/"nào" ("kế hoạch …
    cụ thể hóa chương trình hành động nào" → "ctr"), else the first type named."""
    return named_type(question) or subject_type(question)


def is_of_type(number: str, wanted: str) -> bool:
    """Whether a document number ("03-CTr/TU", "12/2024/QĐ-UBND", "68/2020/QH14") is of the type
    code ``wanted`` ("ctr", "qđ", "qh"): its first part after the serial that is not a year."""
    parts = [p for p in re.split(r"\s?[-/]\s?", number)[1:] if not p.isdigit()]
    return bool(parts) and fold_diacritics(parts[0]).lower().startswith(wanted)


def dated_after(text: str, end: int) -> bool:
    """Whether a date follows the document number ending at ``end`` ("…, ngày 30/10/2025")."""
    return bool(_DATE_AFTER_NUMBER.match(text, end, end + 20))


# "… căn cứ (vào) kế hoạch số mấy": the number asked is of a document the retrieved one builds on.
_RELATION_THEN_TYPE = re.compile(
    r"\b(can cu|thuc hien|cu the hoa|trien khai|quan triet|theo)( vao)? "
    rf"({TYPE_NAMES})( hanh dong)?"
    r"( cua [a-z ]{2,40}?)? (so may|so bao nhieu|so nao|so hieu|mang so|la so|nao)\b"
)
_RELATION = re.compile(r"\b(can cu|thuc hien|cu the hoa|trien khai|quan triet)\b")


def asks_about_a_cited_document(question: Question, document: Document | None) -> bool:
    """Whether "số mấy"/"ngày nào" asks about a document that ``document`` builds on, not about
    ``document`` itself: "căn cứ kế hoạch số mấy", or "chương trình hành động … mà phường cụ thể
    hóa … là số nào" asked of a plan. "KH thực hiện NQ72 của phường … số mấy" asks the plan's own."""
    if _RELATION_THEN_TYPE.search(question.folded):
        return True
    if document is None or not document.metadata.doc_type or not _RELATION.search(question.folded):
        return False
    asked = asked_type(question)
    own = fold_diacritics(document.metadata.doc_type).lower()
    own_code = TYPE_CODES.get(own, own)
    return asked is not None and not own_code.startswith(asked)


def _clause_end(text: str, start: int, limit: int, window: int = 160) -> int:
    """End of the clause that begins before ``start``: the next ; or sentence end, within ``window``.

    A single line break inside a wrapped title ("… ngày 25/10/2023\ncủa Ban Bí thư …") does not
    end the clause; a blank line, or a new line starting a bullet or a capitalised item, does.
    """
    window_end = min(limit, start + window)
    for index in range(start, window_end):
        character = text[index]
        if character == "\n":
            following = text[index + 1 : index + 2]
            if not following or following in "\n-+*•" or following.isupper() or following.isdigit():
                return index
            continue
        if character == ";" or (character == "." and index + 1 < len(text) and text[index + 1].isspace()):
            return index
        if character in "(“\"":
            return index
    return window_end
