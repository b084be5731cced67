"""One entry point for channels (API, CLI, bots): talking points, targets and claim checks on a QAService.

Targets and the claim checker are derived from the index's documents once per loaded index
(a new index version is a new QAService, hence a fresh ``PropagandaService``).
"""

from __future__ import annotations

import threading
import weakref

from pydantic import BaseModel

from hoidap.propaganda.claims import ClaimCheck, ClaimChecker
from hoidap.propaganda.points import MAX_POINTS, TalkingPoints, build_talking_points
from hoidap.propaganda.references import DocumentReferences, NumberReferences, ReferenceGraph
from hoidap.propaganda.targets import Target, extract_all, filter_targets
from hoidap.qa.service import QAService, QuestionRejected

_RETRIEVED_PASSAGES = 20


class TargetTable(BaseModel):
    targets: list[Target]
    groups: dict[
        str, list[int]
    ]  # group key → indexes into ``targets`` of the same target in several documents


class PropagandaService:
    def __init__(self, qa: QAService) -> None:
        self.qa = qa
        self.documents = {document.doc_id: document for document in qa.documents()}
        self.targets = extract_all(self.documents)
        self.checker = ClaimChecker(self.documents, lambda query, k: qa.search(query, k).hits, qa.restore_accents)
        self.references = ReferenceGraph(self.documents)

    def talking_points(self, topic: str, max_points: int = MAX_POINTS) -> TalkingPoints:
        cleaned = self._validate(topic, "Chủ đề")
        hits = self.qa.passages(cleaned, k=_RETRIEVED_PASSAGES)
        return build_talking_points(
            cleaned, self.documents, self.targets, [(h.chunk, h.score) for h in hits], max_points
        )

    def target_table(self, query: str | None = None, year: int | None = None) -> TargetTable:
        rows = filter_targets(self.targets, query, year)
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            if row.kind == "quantified":
                groups.setdefault(row.group_key, []).append(i)
        return TargetTable(targets=rows, groups={k: v for k, v in groups.items() if len(v) > 1})

    def check(self, claim: str) -> ClaimCheck:
        return self.checker.check(self._validate(claim, "Nhận định"))

    def document_references(self, doc_id: str) -> DocumentReferences | None:
        """What a document implements and cites, and which corpus documents implement it (None: unknown id)."""
        if doc_id not in self.documents:
            return None
        return self.references.for_document(doc_id)

    def number_references(self, number: str) -> NumberReferences:
        return self.references.for_number(number.strip())

    def _validate(self, text: str, what: str) -> str:
        try:
            return self.qa.validate_question(text)
        except QuestionRejected as error:
            # the core's messages speak of a question; say what was actually sent
            message = error.message.replace("Câu hỏi", what).replace("câu hỏi của bạn", what.lower())
            raise QuestionRejected(error.code, message.replace("câu hỏi", what.lower())) from error


_services: weakref.WeakKeyDictionary[QAService, PropagandaService] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def propaganda_for(qa: QAService) -> PropagandaService:
    """The PropagandaService of a loaded index, built on first use."""
    with _lock:
        service = _services.get(qa)
        if service is None:
            service = _services[qa] = PropagandaService(qa)
        return service
