"""Cross-references between documents: who implements what, read from the sentences that say so.

Ingestion records every document number a document cites (``metadata.references``). This module
adds the direction, from the wording around each mention:

- "Thực hiện Nghị quyết số 72-NQ/TW …; Chương trình hành động số 03-CTr/TU …, Ban Thường vụ
  Đảng ủy phường ban hành Kế hoạch" — the document itself **implements** both;
- "Chương trình hành động số 03-CTr/TU … thực hiện Nghị quyết số 72-NQ/TW" — 03-CTr/TU
  implements 72-NQ/TW (stated in this document);
- any other mention is a plain **cites**.

Every link keeps the verbatim clause that states it (``quote == document.text[start:end]``), so
"Những văn bản nào triển khai Nghị quyết 72?" can be answered in both directions with quotes.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from hoidap.domain import Document
from hoidap.qa.service import document_label
from hoidap.vntext import DOC_NUMBER_PATTERN, doc_number_key

Relation = Literal["implements", "cites"]
_IMPLEMENTING_VERB = re.compile(r"\b(thực hiện|triển khai|quán triệt|cụ thể hóa|căn cứ)\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r";|\n\s*\n|\n\s*[-+*•]|\.\s")  # a wrapped title line is no break
_THIS_DOCUMENT = "this"


class ReferenceLink(BaseModel):
    """``source`` implements or cites ``target``; both are a document number or a corpus doc_id."""

    source_number: str | None  # None: the corpus document itself, when it has no number
    source_doc_id: str | None  # the corpus document, when the source is one
    target_number: str
    target_doc_id: str | None  # when the cited number is a document of the corpus
    relation: Relation
    stated_in: str  # doc_id of the document whose text states the link
    stated_in_title: str
    quote: str
    start: int
    end: int


class DocumentReferences(BaseModel):
    doc_id: str
    title: str
    number: str | None
    implements: list[ReferenceLink]  # what this document (or its number) implements
    cites: list[ReferenceLink]  # other documents it mentions
    implemented_by: list[ReferenceLink]  # corpus documents (or numbers) that implement it


def _clause_bounds(text: str, at: int, end: int) -> tuple[int, int]:
    starts = [m.end() for m in _CLAUSE_START.finditer(text, max(0, at - 400), at)]
    start = starts[-1] if starts else max(0, at - 400)
    stop = _CLAUSE_START.search(text, end)
    return start, min(stop.start() if stop else len(text), end + 300)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,*":
        start += 1
    while end > start and text[end - 1] in " \t\n,*;":
        end -= 1
    return start, end


def extract_links(document: Document, numbered: dict[str, str]) -> list[ReferenceLink]:
    """Links stated in one document. ``numbered``: number key → doc_id of the corpus documents with a number."""
    text = document.text
    own = document.metadata.number
    own_key = doc_number_key(own) if own else None
    links: list[ReferenceLink] = []
    seen: set[tuple[str, str, str]] = set()
    implementing_list = False  # inside "Thực hiện X; Y; Z, … ban hành": each item is implemented
    previous_clause_end = -1
    for match in DOC_NUMBER_PATTERN.finditer(text):
        key = doc_number_key(match.group(0))
        if key == own_key:
            continue
        clause_start, clause_end = _clause_bounds(text, match.start(), match.end())
        before = text[clause_start : match.start()]
        verbs = list(_IMPLEMENTING_VERB.finditer(before))
        verb = verbs[-1] if verbs else None
        subject: str | None = None
        relation: Relation = "cites"
        if verb is not None and not re.search(r"\d\s*[-/]", before[verb.end() :]):
            between = list(DOC_NUMBER_PATTERN.finditer(before[: verb.start()]))
            relation = "implements"
            subject = _THIS_DOCUMENT
            # "Chương trình hành động số 03-CTr/TU … thực hiện Nghị quyết số 72-NQ/TW": 03 implements 72;
            # "quán triệt Chỉ thị số 25-CT/TW kết hợp với thực hiện Kết luận 226": the document does both
            if between and "kết hợp" not in before[between[-1].end() : verb.start()]:
                subject = doc_number_key(between[-1].group(0))
            if subject == own_key:  # "Số 307-CV/ĐU Về triển khai thực hiện Chỉ thị …": the document itself
                subject = _THIS_DOCUMENT
            if subject == key:
                continue
            implementing_list = subject == _THIS_DOCUMENT
        elif (
            implementing_list
            and clause_start <= previous_clause_end + 2
            and not before.strip(" *").lower().startswith(("đồng thời",))
        ):
            relation, subject = "implements", _THIS_DOCUMENT
        else:
            implementing_list = False
        previous_clause_end = clause_end
        source_number = None if subject in (None, _THIS_DOCUMENT) else subject
        if relation == "cites":
            source_number = None
        triple = (source_number or _THIS_DOCUMENT, key, relation)
        if triple in seen:
            continue
        seen.add(triple)
        start, end = _strip(text, clause_start, clause_end)
        links.append(
            ReferenceLink(
                source_number=_written(source_number, text) if source_number else own,
                source_doc_id=numbered.get(source_number) if source_number else document.doc_id,
                target_number=match.group(0),
                target_doc_id=numbered.get(key),
                relation=relation,
                stated_in=document.doc_id,
                stated_in_title=document_label(document, short=False),
                quote=text[start:end],
                start=start,
                end=end,
            )
        )
    # a number also cited as implemented keeps only the "implements" link
    implemented = {
        (link.source_number, doc_number_key(link.target_number))
        for link in links
        if link.relation == "implements"
    }
    return [
        link
        for link in links
        if link.relation == "implements"
        or (link.source_number, doc_number_key(link.target_number)) not in implemented
    ]


def _written(key: str, text: str) -> str:
    for match in DOC_NUMBER_PATTERN.finditer(text):
        if doc_number_key(match.group(0)) == key:
            return match.group(0)
    return key.upper()


class NumberReferences(BaseModel):
    """Both directions for a document number: what implements it, and what it is said to implement."""

    number: str
    doc_id: str | None  # the corpus document carrying this number, if any
    implemented_by: list[ReferenceLink]
    implements: list[ReferenceLink]


class ReferenceGraph:
    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        numbered = {
            doc_number_key(d.metadata.number): d.doc_id for d in documents.values() if d.metadata.number
        }
        self.links: list[ReferenceLink] = []
        for doc_id in sorted(documents):
            self.links.extend(extract_links(documents[doc_id], numbered))

    def for_document(self, doc_id: str) -> DocumentReferences:
        document = self.documents[doc_id]
        own_key = doc_number_key(document.metadata.number) if document.metadata.number else None
        mine = [link for link in self.links if link.source_doc_id == doc_id]
        implemented_by = [
            link
            for link in self.links
            if link.relation == "implements"
            and (link.target_doc_id == doc_id or (own_key and doc_number_key(link.target_number) == own_key))
        ]
        return DocumentReferences(
            doc_id=doc_id,
            title=document_label(document, short=False),
            number=document.metadata.number,
            implements=[link for link in mine if link.relation == "implements"],
            cites=[link for link in mine if link.relation == "cites"],
            implemented_by=implemented_by,
        )

    def implementing(self, number: str) -> list[ReferenceLink]:
        """Links saying something implements ``number`` ("72-NQ/TW"), across the corpus."""
        key = doc_number_key(number)
        return [
            link
            for link in self.links
            if link.relation == "implements" and doc_number_key(link.target_number) == key
        ]

    def for_number(self, number: str) -> NumberReferences:
        """ "Những văn bản nào triển khai Nghị quyết 72-NQ/TW?" and "72-NQ/TW thực hiện văn bản nào?"."""
        key = doc_number_key(number)
        doc_id = next(
            (
                d.doc_id
                for d in self.documents.values()
                if d.metadata.number and doc_number_key(d.metadata.number) == key
            ),
            None,
        )
        implements = [
            link
            for link in self.links
            if link.relation == "implements"
            and (
                (link.source_number and doc_number_key(link.source_number) == key)
                or (doc_id and link.source_doc_id == doc_id)
            )
        ]
        return NumberReferences(
            number=number, doc_id=doc_id, implemented_by=self.implementing(number), implements=implements
        )
