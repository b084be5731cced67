"""hoidap's hybrid retriever as a LangChain ``BaseRetriever``.

LangChain users can put hoidap's retrieval (folded-syllable BM25 fused with e5, accent
restoration for unaccented questions) into their own chains. Each ``Document`` carries the
citation fields of the /v1/ask contract in its metadata (``doc_id``, ``source``, ``title``,
``doc_number``, ``issued``, ``section``, ``quote``, ``score``) plus its ``rank``;
``page_content`` is the whole chunk.

>>> retriever = HoidapRetriever.from_settings(Settings(), k=5)
>>> retriever.invoke("den nam 2030 ty le bao phu bhyt dat bao nhieu")[0].metadata["source"]
'002_217e2353f7b863be.txt'
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from hoidap.index.embedder import Embedder
from hoidap.qa.schemas import SearchHit
from hoidap.qa.service import QAService
from hoidap.settings import Settings


def hit_to_document(hit: SearchHit, rank: int) -> Document:
    metadata = hit.model_dump(exclude={"text"})
    metadata["rank"] = rank
    return Document(page_content=hit.text, metadata=metadata)


class HoidapRetriever(BaseRetriever):
    """Top-``k`` passages from a loaded hoidap index. An empty or over-long query raises
    ``QuestionRejected`` (a ``ValueError``) with a Vietnamese message, as the API would."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    service: QAService
    k: int = Field(default=5, ge=1, le=50)

    @classmethod
    def from_settings(cls, settings: Settings, k: int = 5, embedder: Embedder | None = None) -> HoidapRetriever:
        return cls(service=QAService.from_settings(settings, embedder=embedder), k=k)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.service.search(query, k=self.k)
        return [hit_to_document(hit, rank) for rank, hit in enumerate(result.hits, start=1)]
