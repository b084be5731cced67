"""Enumerations ("gồm những nội dung gì", "có mấy nhiệm vụ"): the headings of the part asked about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoidap.index.retriever import ScoredChunk
from hoidap.qa.question import Question

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer, Draft


class OutlineAnswerer:
    name = "outline"

    def __init__(self, composer: Composer) -> None:
        self.composer = composer

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        return self.composer.outline_answer(question, hits)
