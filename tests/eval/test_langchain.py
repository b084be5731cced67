"""hoidap's retriever as a LangChain BaseRetriever, the embedder as LangChain Embeddings, the baselines."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from hoidap.eval.baselines import (
    TUTORIAL_CHUNK_SIZE,
    TopChunkSystem,
    bm25_retriever,
    document_citation,
    faiss_retriever,
    tutorial_chunks,
)
from hoidap.eval.corpus import load_corpus
from hoidap.eval.harness import build_eval_index
from hoidap.eval.langchain_embeddings import HoidapEmbeddings
from hoidap.eval.langchain_retriever import HoidapRetriever
from hoidap.eval.vector_cache import CachedEmbedder
from hoidap.qa.service import QuestionRejected
from hoidap.settings import Settings
from tests.conftest import HashingEmbedder


@pytest.fixture
def retriever(mini_corpus: Path, tmp_path: Path) -> HoidapRetriever:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=mini_corpus)
    embedder = CachedEmbedder(HashingEmbedder(), tmp_path / "cache")
    build_eval_index(settings, embedder)
    return HoidapRetriever.from_settings(settings, k=3, embedder=embedder)


def test_hoidap_retriever_returns_documents_with_citation_metadata(retriever: HoidapRetriever, mini_corpus: Path):
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke("tỷ lệ tham gia bảo hiểm y tế năm 2026")
    assert 1 <= len(documents) <= 3
    top = documents[0]
    assert isinstance(top, Document)
    assert top.metadata["source"] == "letter.txt"
    assert {"doc_id", "title", "doc_number", "issued", "section", "quote", "score", "rank"} <= set(top.metadata)
    assert [d.metadata["rank"] for d in documents] == list(range(1, len(documents) + 1))
    text = load_corpus(mini_corpus)["letter.txt"]
    assert top.page_content in text and top.metadata["quote"] in text  # verbatim, as the contract says


def test_hoidap_retriever_finds_the_same_passage_without_diacritics(retriever: HoidapRetriever):
    documents = retriever.invoke("ty le tham gia bao hiem y te nam 2026")
    assert documents[0].metadata["source"] == "letter.txt"


def test_hoidap_retriever_rejects_an_empty_query(retriever: HoidapRetriever):
    with pytest.raises(QuestionRejected):
        retriever.invoke("   ")


def test_embeddings_wrapper_returns_plain_lists_from_the_same_model():
    inner = HashingEmbedder()
    embeddings = HoidapEmbeddings(inner)
    vectors = embeddings.embed_documents(["y tế", "tiêm chủng"])
    assert len(vectors) == 2 and len(vectors[0]) == inner.dimension and isinstance(vectors[0][0], float)
    assert embeddings.embed_query("y tế") == inner.embed_query("y tế").tolist()


def test_tutorial_split_keeps_source_and_start_index(mini_corpus: Path):
    documents = load_corpus(mini_corpus)
    long_text = "Đoạn văn dài về bảo hiểm y tế. " * 100
    chunks = tutorial_chunks({**documents, "long.txt": long_text})
    assert {c.metadata["source"] for c in chunks} == {"plan.txt", "letter.txt", "long.txt"}
    long_chunks = [c for c in chunks if c.metadata["source"] == "long.txt"]
    assert len(long_chunks) >= 3 and all(len(c.page_content) <= TUTORIAL_CHUNK_SIZE for c in long_chunks)
    for chunk in chunks:
        source_text = {**documents, "long.txt": long_text}[chunk.metadata["source"]]
        start = chunk.metadata["start_index"]
        assert source_text[start : start + len(chunk.page_content)] == chunk.page_content


def test_baselines_answer_with_the_top_chunk_and_never_refuse(mini_corpus: Path):
    chunks = tutorial_chunks(load_corpus(mini_corpus))
    for retriever in (bm25_retriever(chunks, k=2), faiss_retriever(chunks, HoidapEmbeddings(HashingEmbedder()), k=2)):
        system = TopChunkSystem("x", "x", retriever)
        answer = system.answer("Giá vé gửi xe máy là bao nhiêu?", top_k=2)
        assert answer.error is None and answer.response is not None
        assert answer.response.answerable is True
        assert answer.response.answer == answer.response.citations[0].text
        assert [c.n for c in answer.response.citations] == [1, 2]


def test_document_citation_uses_hoidap_metadata_when_present():
    plain = document_citation(Document(page_content="abc", metadata={"source": "d/x.txt", "start_index": 7}), 1)
    assert (plain.doc_id, plain.section, plain.quote) == ("x", "ký tự 7", "abc")
    rich = document_citation(
        Document(page_content="abc def", metadata={"source": "x.txt", "quote": "def", "section": "I", "score": 0.3}), 2
    )
    assert (rich.quote, rich.section, rich.score, rich.n) == ("def", "I", 0.3, 2)
