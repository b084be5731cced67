"""The shape every answerer has: one method from (question, ranked passages) to a draft or None."""

from __future__ import annotations

from typing import Protocol

from hoidap.index.retriever import ScoredChunk
from hoidap.qa.passages import Draft
from hoidap.qa.question import Question


class Answerer(Protocol):
    name: str

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        """A draft when the question is this answerer's kind and the passages answer it."""
        ...
