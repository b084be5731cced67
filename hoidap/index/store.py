"""The on-disk index: one directory per version, swapped in atomically.

Layout under ``<data_dir>/index``::

    CURRENT                 name of the version directory being served (replaced atomically)
    v-20261123T190501-ab12/ manifest.json, documents.jsonl, chunks.jsonl, vectors.npy,
                            dense.faiss, lexical/ (bm25s arrays + JSON), accents.json

A build writes a hidden temporary directory, renames it to its version name and only then
replaces ``CURRENT``; a crash or error at any point leaves the previous version serving.
No pickle anywhere: JSON, JSONL, ``.npy`` (allow_pickle=False) and FAISS's own format.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from hoidap.domain import Chunk, Document
from hoidap.index.accents import AccentRestorer
from hoidap.index.dense import DenseIndex
from hoidap.index.lexical import LexicalIndex
from hoidap.index.vectorstore import EmbeddedSearch, SearchBackend, VectorStore
from hoidap.settings import Settings

FORMAT_VERSION = 1
_CURRENT = "CURRENT"
_KEEP_OLD_VERSIONS = 1


class IndexNotReady(RuntimeError):
    """The index is missing, unreadable or was built with another embedder (message says what to do)."""


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    index_version: str
    embedder: str
    dimension: int
    built_at: str
    documents: dict[str, str]  # source -> content hash
    chunk_count: int
    # How documents were parsed and cut into chunks; an index built by other rules is rebuilt.
    pipeline: str = ""
    dense_kind: str


@dataclass
class LoadedIndex:
    """Everything needed to answer questions, loaded once and shared read-only."""

    manifest: Manifest
    directory: Path
    documents: dict[str, Document]  # doc_id -> document
    chunks: list[Chunk]
    vectors: np.ndarray
    dense: DenseIndex | None  # None when a vector database searches (``search``)
    lexical: LexicalIndex
    accents: AccentRestorer
    search: SearchBackend

    @property
    def version(self) -> str:
        return self.manifest.index_version


def _write_jsonl(path: Path, models: list[BaseModel]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for model in models:
            handle.write(model.model_dump_json())
            handle.write("\n")


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


class IndexStore:
    """Version directories under ``root``; with a ``vector_store`` (Milvus) every version is also
    written there before it becomes current, and searched there once loaded."""

    def __init__(self, root: Path, vector_store: VectorStore | None = None) -> None:
        self.root = root
        self.vector_store = vector_store

    def current_directory(self) -> Path | None:
        pointer = self.root / _CURRENT
        if not pointer.exists():
            return None
        directory = self.root / pointer.read_text(encoding="utf-8").strip()
        return directory if directory.is_dir() else None

    def exists(self) -> bool:
        return self.current_directory() is not None

    def read_manifest(self) -> Manifest | None:
        directory = self.current_directory()
        if directory is None:
            return None
        return Manifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8"))

    def load(self, expected_embedder: str | None = None) -> LoadedIndex:
        directory = self.current_directory()
        if directory is None:
            raise IndexNotReady(
                f"Chưa có chỉ mục trong {self.root}. Hãy chạy: hoidap ingest data/corpus/ "
                "(no index yet: run `hoidap ingest <folder>` first)"
            )
        try:
            manifest = Manifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise IndexNotReady(f"Không đọc được manifest của chỉ mục {directory}: {error}") from error
        if manifest.format_version != FORMAT_VERSION:
            raise IndexNotReady(
                f"Chỉ mục {directory} có định dạng {manifest.format_version}, cần {FORMAT_VERSION}: "
                "hãy chạy lại `hoidap ingest`."
            )
        if expected_embedder and manifest.embedder != expected_embedder:
            raise IndexNotReady(
                f"Chỉ mục được xây bằng mô hình nhúng '{manifest.embedder}', nhưng cấu hình hiện tại là "
                f"'{expected_embedder}'. Đặt HOIDAP_EMBEDDING_MODEL cho khớp, hoặc xây lại chỉ mục bằng "
                "`hoidap ingest --rebuild <thư mục>`."
            )
        documents = {}
        for line in (directory / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            document = Document.model_validate_json(line)
            documents[document.doc_id] = document
        chunks = [
            Chunk.model_validate_json(line)
            for line in (directory / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        lexical = LexicalIndex.load(directory / "lexical")
        dense: DenseIndex | None = None
        search: SearchBackend
        if self.vector_store is None:
            # Memory-mapped, read-only: the workers of one server share the pages (a version's
            # files are immutable once published).
            vectors = np.load(directory / "vectors.npy", mmap_mode="r", allow_pickle=False)
            dense = _dense_index(directory, manifest, vectors)
            search = EmbeddedSearch(dense, lexical, vectors)
        else:
            # Searched remotely: the vectors stay on disk, paged in only when ingestion reuses them.
            vectors = np.load(directory / "vectors.npy", mmap_mode="r", allow_pickle=False)
            try:
                search = self.vector_store.open(manifest.index_version, lexical, manifest.dense_kind)
            except LookupError as error:
                raise IndexNotReady(
                    f"Phiên bản chỉ mục {manifest.index_version} chưa có trong {self.vector_store.kind}. "
                    f"Hãy chạy: hoidap migrate --to {self.vector_store.kind}"
                ) from error
        return LoadedIndex(
            manifest=manifest,
            directory=directory,
            documents=documents,
            chunks=chunks,
            vectors=vectors,
            dense=dense,
            lexical=lexical,
            accents=AccentRestorer.load(directory / "accents.json"),
            search=search,
        )

    def write(
        self,
        documents: list[Document],
        chunks: list[Chunk],
        vectors: np.ndarray,
        *,
        embedder: str,
        dimension: int,
        flat_max_vectors: int,
        pipeline: str = "",
    ) -> Manifest:
        """Build a complete new version beside the current one, then swap it in atomically."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC)
        version = f"v-{stamp:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        staging = self.root / f".building-{version}"
        staging.mkdir()
        try:
            # With a vector store the FAISS index is not needed to serve; building HNSW over
            # millions of vectors would cost the ingest minutes for nothing.
            dense = DenseIndex.build(vectors, flat_max_vectors) if self.vector_store is None else None
            dense_kind = dense.kind if dense is not None else ("flat" if len(chunks) <= flat_max_vectors else "hnsw")
            manifest = Manifest(
                index_version=version,
                embedder=embedder,
                dimension=dimension,
                built_at=stamp.isoformat(timespec="seconds"),
                documents={d.source: d.content_hash for d in documents},
                chunk_count=len(chunks),
                pipeline=pipeline,
                dense_kind=dense_kind,
            )
            _write_jsonl(staging / "documents.jsonl", list(documents))
            _write_jsonl(staging / "chunks.jsonl", list(chunks))
            np.save(staging / "vectors.npy", np.asarray(vectors, dtype=np.float32), allow_pickle=False)
            if dense is not None:
                dense.save(staging / "dense.faiss")
            lexical = LexicalIndex.build([c.search_text for c in chunks])
            lexical.save(staging / "lexical")
            AccentRestorer.build(c.search_text for c in chunks).save(staging / "accents.json")
            # The manifest goes last: a directory without one was never finished.
            (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
            _fsync_tree(staging)
            if self.vector_store is not None:
                # Complete in the vector store before anything points at it.
                self.vector_store.write(version, documents, chunks, vectors, lexical, flat_max_vectors)
            final = self.root / version
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._point_current_to(version)
        if self.vector_store is not None:
            self.vector_store.activate(version)
        self._remove_old_versions(keep=version)
        return manifest

    def _point_current_to(self, version: str) -> None:
        temporary = self.root / f".{_CURRENT}.{secrets.token_hex(3)}"
        temporary.write_text(version + "\n", encoding="utf-8")
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, self.root / _CURRENT)

    def _remove_old_versions(self, keep: str) -> None:
        """Keep the newest old version too: a process that loaded it may still be reading files."""
        versions = sorted(p for p in self.root.glob("v-*") if p.is_dir() and p.name != keep)
        for old in versions[: max(0, len(versions) - _KEEP_OLD_VERSIONS)]:
            shutil.rmtree(old, ignore_errors=True)
        if self.vector_store is not None:
            kept = {keep} | {p.name for p in versions[max(0, len(versions) - _KEEP_OLD_VERSIONS) :]}
            self.vector_store.retain(kept)
        # Builds killed outright (power loss, kill -9) leave a staging directory behind.
        stale_before = datetime.now(UTC).timestamp() - 3600
        for leftover in self.root.glob(".building-*"):
            if leftover.stat().st_mtime < stale_before:
                shutil.rmtree(leftover, ignore_errors=True)


def _dense_index(directory: Path, manifest: Manifest, vectors: np.ndarray) -> DenseIndex:
    """The version's FAISS index; a version written for a vector store has none, so it is built
    from the stored vectors, of the kind the manifest names (reading a Milvus-built version
    embedded, e.g. after unsetting HOIDAP_MILVUS_URI)."""
    path = directory / "dense.faiss"
    if path.exists():
        return DenseIndex.load(path)
    return DenseIndex.build(vectors, flat_max_vectors=len(vectors) if manifest.dense_kind == "flat" else 0)


def open_index_store(settings: Settings) -> IndexStore:
    """The index under ``settings.index_root``, searched in Milvus when ``HOIDAP_MILVUS_URI`` is set."""
    from hoidap.index.vectorstore import open_vector_store

    return IndexStore(settings.index_root, open_vector_store(settings))
