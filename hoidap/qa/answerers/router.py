"""Choose the answer: ask each answerer in turn; the first draft wins."""

from __future__ import annotations

from collections.abc import Sequence

from hoidap.index.retriever import ScoredChunk
from hoidap.qa.answerers.base import Answerer
from hoidap.qa.passages import Draft
from hoidap.qa.question import Question


class Router:
    def __init__(self, answerers: Sequence[Answerer]) -> None:
        self.answerers = list(answerers)

    def route(self, question: Question, hits: list[ScoredChunk]) -> tuple[str, Draft | None]:
        """(name of the answerer that answered, its draft); ``("", None)`` when none did."""
        for answerer in self.answerers:
            draft = answerer.answer(question, hits)
            if draft is not None:
                return answerer.name, draft
        return "", None
