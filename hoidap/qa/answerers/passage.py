"""The passages that answer, quoted verbatim: the sentence with the figure, the item with its
bullets, the clause of an article; for a true/false question the provision that decides it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoidap.index.retriever import ScoredChunk
from hoidap.qa.question import Question

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer, Draft


class PassageAnswerer:
    name = "passage"

    def __init__(self, composer: Composer) -> None:
        self.composer = composer

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        return self.composer.passage_answer(question, hits)
