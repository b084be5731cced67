"""Documents cited by the collection: what a cited document is about, and which documents a
document implements or is based on ("Thực hiện Nghị quyết số 72-NQ/TW …")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoidap.index.retriever import ScoredChunk
from hoidap.qa.question import Question

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer, Draft


class CitedTopicAnswerer:
    """"Nghị quyết 72 về vấn đề gì": the clause after the cited number in the citing passage."""

    name = "cited_topic"

    def __init__(self, composer: Composer) -> None:
        self.composer = composer

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        return self.composer.cited_topic_answer(question)


class ReferencesAnswerer:
    """"Kế hoạch thực hiện văn bản nào": the documents named in the preamble, of the asked type."""

    name = "references"

    def __init__(self, composer: Composer) -> None:
        self.composer = composer

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        return self.composer.references_answer(question, hits)
