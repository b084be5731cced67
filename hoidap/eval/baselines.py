"""What a developer would build from the LangChain tutorial, scored beside hoidap in the same run.

- ``langchain``: ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` over the
  same documents, LangChain's FAISS vector store with hoidap's own embedder, similarity search.
- ``bm25``: LangChain's ``BM25Retriever`` over the same chunks, default preprocessing
  (whitespace split, case kept).
- ``hoidap-retriever``: hoidap's retriever through :class:`HoidapRetriever`: shows how much of
  hoidap's lead comes from retrieval and how much from answer composition.

All three answer with the top chunk and never refuse. They retrieve ``top_k`` passages (10 in
the eval, for MRR@10); the tutorial's top-5 are the first five of them, and the answer (the top
chunk) is the same either way.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import PurePosixPath

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import VectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from hoidap.eval.records import SystemAnswer
from hoidap.qa.schemas import AskResponse, Citation

TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_CHUNK_OVERLAP = 200


def tutorial_chunks(documents: Mapping[str, str]) -> list[Document]:
    """The tutorial's split (with its ``add_start_index=True``), one ``source`` per document."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=TUTORIAL_CHUNK_SIZE, chunk_overlap=TUTORIAL_CHUNK_OVERLAP, add_start_index=True
    )
    return splitter.split_documents(
        [Document(page_content=text, metadata={"source": source}) for source, text in documents.items()]
    )


def faiss_store(chunks: list[Document], embeddings: Embeddings) -> VectorStore:
    """The tutorial's ``FAISS.from_documents`` (its defaults: flat index, L2 distance)."""
    with _quiet_import():
        from langchain_community.vectorstores import FAISS
    return FAISS.from_documents(chunks, embeddings)


def faiss_retriever(chunks: list[Document], embeddings: Embeddings, k: int) -> BaseRetriever:
    return faiss_store(chunks, embeddings).as_retriever(search_kwargs={"k": k})


def bm25_retriever(chunks: list[Document], k: int) -> BaseRetriever:
    with _quiet_import():
        from langchain_community.retrievers import BM25Retriever
    return BM25Retriever.from_documents(chunks, k=k)


@contextmanager
def _quiet_import() -> Iterator[None]:
    """langchain_community warns on import that it is being sunset: true, known, and not ours to fix.
    Imported lazily, too: it is slow to import and only the baselines need it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def document_citation(document: Document, n: int) -> Citation:
    """A LangChain document as a /v1/ask citation; hoidap's metadata is used when present."""
    meta = document.metadata
    source = str(meta.get("source", ""))
    start = meta.get("start_index")
    return Citation(
        n=n,
        doc_id=str(meta.get("doc_id") or PurePosixPath(source).stem),
        source=source,
        title=meta.get("title"),
        doc_number=meta.get("doc_number"),
        issued=meta.get("issued"),
        section=str(meta.get("section") or (f"ký tự {start}" if start is not None else "")),
        quote=str(meta.get("quote") or document.page_content),
        text=document.page_content,
        score=float(meta.get("score", 0.0)),
    )


class TopChunkSystem:
    """Any LangChain retriever, answering with its top chunk and never refusing."""

    inline_citations = False  # the answer is a raw chunk: no [n] markers to check

    def __init__(self, name: str, label: str, retriever: BaseRetriever) -> None:
        self.name = name
        self.label = label
        self.retriever = retriever

    def answer(self, question: str, top_k: int) -> SystemAnswer:
        started = time.perf_counter()
        try:
            documents = self.retriever.invoke(question)
        except Exception as error:  # a failing question is recorded and scored as wrong, the run goes on
            return SystemAnswer(latency_ms=_since(started), error=f"{type(error).__name__}: {error}")
        latency = _since(started)
        citations = [document_citation(d, n) for n, d in enumerate(documents[:top_k], start=1)]
        response = AskResponse(
            answer=documents[0].page_content if documents else "",
            answerable=True,
            citations=citations,
            answer_id=uuid.uuid4().hex,
        )
        return SystemAnswer(response=response, latency_ms=latency)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
