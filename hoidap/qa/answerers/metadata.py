"""Facts about a document itself (signer, date, recipients, issuer, number, title), from its
header and signature blocks: exact lookups rather than passage matches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoidap.index.retriever import ScoredChunk
from hoidap.qa.question import Question

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer, Draft

_METADATA_INTENTS = frozenset({"signer", "date", "recipients", "issuer", "doc_number", "title"})


class MetadataAnswerer:
    name = "metadata"

    def __init__(self, composer: Composer) -> None:
        self.composer = composer

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        if question.intent not in _METADATA_INTENTS or not self.composer.about_identity(question, hits):
            return None
        return self.composer.metadata_answer(question, hits)
