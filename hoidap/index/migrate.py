"""Copy the served embedded index into a vector database (``hoidap migrate --to milvus``).

The version keeps its name, so the version directory (chunks, documents, vocabulary) and the new
collection describe the same index; the vectors are copied, never re-embedded, and the BM25
weights are the ones bm25s computed for the embedded index. Running it twice replaces the copy.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from hoidap.index.store import IndexNotReady, IndexStore, Manifest
from hoidap.index.vectorstore import VectorStore


class MigrationReport(BaseModel):
    index_version: str
    documents: int
    chunks: int
    target: str


def copy_index(root: Path, target: VectorStore, flat_max_vectors: int) -> MigrationReport:
    """Write the current version under ``root`` into ``target`` and make it the current one there."""
    embedded = IndexStore(root)
    index = embedded.load()
    manifest: Manifest = index.manifest
    if manifest.chunk_count != len(index.chunks):
        raise IndexNotReady(f"Chỉ mục {index.directory} không nhất quán: hãy chạy lại `hoidap ingest --rebuild`.")
    target.write(
        manifest.index_version,
        list(index.documents.values()),
        index.chunks,
        index.vectors,
        index.lexical,
        flat_max_vectors if manifest.dense_kind == "hnsw" else max(flat_max_vectors, len(index.chunks)),
    )
    target.activate(manifest.index_version)
    kept = {p.name for p in root.glob("v-*") if p.is_dir()}
    target.retain(kept)
    return MigrationReport(
        index_version=manifest.index_version,
        documents=len(index.documents),
        chunks=len(index.chunks),
        target=target.kind,
    )
