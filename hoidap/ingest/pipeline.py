"""Ingest a folder (or files) into the index: load → parse → metadata → chunk → embed → swap.

Incremental and idempotent: a file whose content hash is already indexed is skipped (its chunks
and vectors are reused, not re-embedded), a changed file replaces its old chunks, a file that
fails to load keeps its previously indexed version, and files missing from the input are removed
only with ``prune=True``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hoidap.domain import Chunk, Document
from hoidap.index.embedder import Embedder
from hoidap.index.store import IndexNotReady, IndexStore, LoadedIndex
from hoidap.ingest.chunking import Chunker, dense_passage
from hoidap.ingest.loaders import SUPPORTED_SUFFIXES, LoadError, iter_corpus_files, load_text
from hoidap.ingest.metadata import extract_metadata
from hoidap.ingest.structure import parse_sections

if TYPE_CHECKING:
    from hoidap.settings import Settings

ProgressCallback = Callable[[int, int], None]
# (position, total files, source, status: added / updated / unchanged / failed)
FileCallback = Callable[[int, int, str, str], None]
# Bump when structure parsing, metadata rules or chunking change: existing indexes are rebuilt.
PIPELINE_VERSION = 4  # 4: document-number codes from the profile (NĐ, TTLT, HĐND …)
# Passages per embedding call: progress is reported after each.
EMBED_BATCH = 32


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line reason)
    documents: int = 0
    chunks: int = 0
    index_version: str | None = None

    rebuilt: bool = False  # parsing/chunking rules changed since the last build

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)


def doc_id_for(source: str) -> str:
    """A stable id from the source name: ``002_217e2353f7b863be.txt`` → ``002_217e2353f7b863be``."""
    stem = source.rsplit(".", 1)[0] if "." in source else source
    return re.sub(r"[^0-9A-Za-z_.-]+", "-", stem).strip("-") or hashlib.sha1(source.encode()).hexdigest()[:12]


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def build_document(source: str, text: str, digest: str) -> Document:
    """Parse one document's text into a :class:`Document` with metadata and section tree."""
    return Document(
        doc_id=doc_id_for(source),
        source=source,
        content_hash=digest,
        text=text,
        metadata=extract_metadata(text),
        sections=parse_sections(text),
    )


def _give_unique_ids(kept: dict[str, Document], fresh: list[Document]) -> None:
    """Give a fresh document another id when another source already has its id.

    ``x.docx`` and ``x.pdf`` both map to ``x``; sharing it would mix their chunks and make the
    next ingest add the same chunks again. Fresh documents come in source order, so the second
    one gets its full file name (``x.pdf``) every time.
    """
    taken = {d.doc_id: d.source for d in kept.values()}
    for document in fresh:
        if taken.get(document.doc_id, document.source) != document.source:
            base = re.sub(r"[^0-9A-Za-z_.-]+", "-", document.source).strip("-") or document.doc_id
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            document.doc_id = candidate
        taken[document.doc_id] = document.source


def collect_files(inputs: Sequence[Path]) -> list[tuple[str, Path]]:
    """(source name, path) pairs; a folder contributes its supported files, named relative to it."""
    files: list[tuple[str, Path]] = []
    for item in inputs:
        if item.is_dir():
            files.extend((p.relative_to(item).as_posix(), p) for p in iter_corpus_files(item))
        else:
            files.append((item.name, item))
    return files


class Ingestor:
    def __init__(
        self,
        store: IndexStore,
        embedder: Embedder,
        chunker: Chunker,
        flat_max_vectors: int,
        dense_max_chars: int = 700,
        loader: Callable[[Path, int], str] = load_text,
    ) -> None:
        # ``loader(path, max_bytes)``: in-process by default; uploads and the CLI pass a sandboxed one.
        self.loader = loader
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.flat_max_vectors = flat_max_vectors
        self.dense_max_chars = dense_max_chars

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: IndexStore,
        embedder: Embedder,
        loader: Callable[[Path, int], str] = load_text,
    ) -> Ingestor:
        """The ingestor every entry point uses: chunking and dense-passage lengths from the settings."""
        return cls(
            store,
            embedder,
            Chunker(settings.chunk_max_chars, settings.chunk_overlap_sentences),
            settings.dense_flat_max_vectors,
            dense_max_chars=settings.dense_passage_chars,
            loader=loader,
        )

    @property
    def pipeline_signature(self) -> str:
        """Identifies the parsing and chunking rules; bump PIPELINE_VERSION when they change."""
        return (
            f"v{PIPELINE_VERSION}:chunk{self.chunker.max_chars}:overlap{self.chunker.overlap}:"
            f"dense{self.dense_max_chars}"
        )

    def _previous(self, rebuild: bool) -> LoadedIndex | None:
        if rebuild or not self.store.exists():
            return None
        try:
            previous = self.store.load(expected_embedder=self.embedder.name)
        except IndexNotReady:
            return None  # another embedder or an old format: everything is re-embedded
        return previous

    def ingest(
        self,
        inputs: Sequence[Path],
        *,
        prune: bool = False,
        rebuild: bool = False,
        remove_sources: Sequence[str] = (),
        max_file_bytes: int = 20 * 1024 * 1024,
        progress: ProgressCallback | None = None,
        on_file: FileCallback | None = None,
    ) -> IngestReport:
        report = IngestReport()
        previous = self._previous(rebuild)
        old_docs = {d.source: d for d in previous.documents.values()} if previous else {}
        seen: set[str] = set()
        kept: dict[str, Document] = {}
        fresh: list[Document] = []

        files = collect_files(inputs)
        for position, (source, path) in enumerate(files, start=1):
            status = self._ingest_file(source, path, old_docs, kept, fresh, report, max_file_bytes)
            seen.add(source)
            if on_file:
                on_file(position, len(files), source, status)
        self._finish(previous, old_docs, seen, kept, fresh, report, prune, remove_sources)
        previous = None if report.rebuilt else previous
        if not report.changed and previous is not None:
            report.documents = len(previous.documents)
            report.chunks = len(previous.chunks)
            report.index_version = previous.version
            return report
        return self._write(previous, kept, fresh, report, progress)

    def _ingest_file(
        self,
        source: str,
        path: Path,
        old_docs: dict[str, Document],
        kept: dict[str, Document],
        fresh: list[Document],
        report: IngestReport,
        max_file_bytes: int,
    ) -> str:
        """Load and parse one file into ``fresh`` (or keep its indexed version in ``kept``)."""
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.failed.append((source, f"{path}: định dạng không hỗ trợ ({path.suffix or 'không có đuôi'})"))
            if source in old_docs:
                kept[source] = old_docs[source]
            return "failed"
        try:
            data = path.read_bytes()
        except OSError as error:
            report.failed.append((source, f"{path}: không đọc được tệp ({error})"))
            if source in old_docs:
                kept[source] = old_docs[source]
            return "failed"
        digest = content_hash(data)
        old = old_docs.get(source)
        if old is not None and old.content_hash == digest:
            kept[source] = old
            report.unchanged.append(source)
            return "unchanged"
        try:
            document = build_document(source, self.loader(path, max_file_bytes), digest)
        except LoadError as error:
            report.failed.append((source, str(error)))
            if old is not None:
                kept[source] = old  # nothing already indexed is lost
            return "failed"
        fresh.append(document)
        (report.updated if old is not None else report.added).append(source)
        return "updated" if old is not None else "added"

    def _finish(
        self,
        previous: LoadedIndex | None,
        old_docs: dict[str, Document],
        seen: set[str],
        kept: dict[str, Document],
        fresh: list[Document],
        report: IngestReport,
        prune: bool,
        remove_sources: Sequence[str],
    ) -> None:
        """Removals, a rebuild when the rules changed, and unique ids for fresh documents."""
        for source, old in old_docs.items():
            if source in seen:
                continue
            if prune or source in remove_sources:
                report.removed.append(source)
            else:
                kept[source] = old
        if previous is not None and previous.manifest.pipeline != self.pipeline_signature:
            # The index was cut by other rules: every kept document is parsed again from its
            # stored text (so documents whose files are gone are not lost) and re-embedded.
            fresh.extend(build_document(d.source, d.text, d.content_hash) for d in kept.values())
            kept.clear()
            report.rebuilt = True
        _give_unique_ids(kept, fresh)

    def _write(
        self,
        previous: LoadedIndex | None,
        kept: dict[str, Document],
        fresh: list[Document],
        report: IngestReport,
        progress: ProgressCallback | None,
    ) -> IngestReport:
        documents, chunks, vectors = self._assemble(previous, kept, fresh, progress)
        manifest = self.store.write(
            documents,
            chunks,
            vectors,
            embedder=self.embedder.name,
            dimension=self.embedder.dimension,
            flat_max_vectors=self.flat_max_vectors,
            pipeline=self.pipeline_signature,
        )
        report.documents = len(documents)
        report.chunks = len(chunks)
        report.index_version = manifest.index_version
        return report

    def _assemble(
        self,
        previous: LoadedIndex | None,
        kept: dict[str, Document],
        fresh: list[Document],
        progress: ProgressCallback | None,
    ) -> tuple[list[Document], list[Chunk], np.ndarray]:
        """Reuse chunks and vectors of kept documents; chunk and embed only the fresh ones."""
        reused_chunks: list[Chunk] = []
        reused_vectors: list[np.ndarray] = []
        if previous is not None:
            kept_ids = {d.doc_id for d in kept.values()}
            for position, chunk in enumerate(previous.chunks):
                if chunk.doc_id in kept_ids:
                    reused_chunks.append(chunk)
                    reused_vectors.append(previous.vectors[position])
        new_chunks = [chunk for document in fresh for chunk in self.chunker.chunk(document)]
        new_vectors = self._embed([dense_passage(c, self.dense_max_chars) for c in new_chunks], progress)
        documents = sorted([*kept.values(), *fresh], key=lambda d: d.source)
        order = {d.doc_id: i for i, d in enumerate(documents)}
        paired = list(zip(reused_chunks + new_chunks, [*reused_vectors, *new_vectors], strict=True))
        paired.sort(key=lambda pair: (order[pair[0].doc_id], pair[0].ordinal))
        chunks = [c for c, _ in paired]
        dimension = self.embedder.dimension
        vectors = np.vstack([v for _, v in paired]).astype(np.float32) if paired else np.zeros((0, dimension))
        return documents, chunks, vectors

    def _embed(self, texts: list[str], progress: ProgressCallback | None) -> list[np.ndarray]:
        """Embed in batches, reporting after each; an embedder with ``embed_batches`` (worker
        processes, :class:`hoidap.index.sharded.ShardedEmbedder`) gets them all at once."""
        batches = [texts[start : start + EMBED_BATCH] for start in range(0, len(texts), EMBED_BATCH)]
        stream = getattr(self.embedder, "embed_batches", None)
        results = stream(batches) if stream else (self.embedder.embed_passages(batch) for batch in batches)
        vectors: list[np.ndarray] = []
        for batch_vectors in results:
            vectors.extend(batch_vectors)
            if progress:
                progress(len(vectors), len(texts))
        return vectors
