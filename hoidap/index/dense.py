"""FAISS inner-product index over L2-normalised vectors; flat when small, HNSW when large."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @classmethod
    def build(cls, vectors: np.ndarray, flat_max_vectors: int = 50000) -> DenseIndex:
        """Exact search (IndexFlatIP) up to ``flat_max_vectors``; HNSW beyond, where a flat
        scan costs more than the query embedding (see bench/dense_scaling.py)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        if len(vectors) <= flat_max_vectors:
            index: faiss.Index = faiss.IndexFlatIP(dimension)
        else:
            index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 120
            index.hnsw.efSearch = 256
        if len(vectors):
            index.add(vectors)
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        """Read an index, its vectors memory-mapped from the file where FAISS can (flat codes,
        ``IO_FLAG_MMAP_IFC``): the worker processes of one server then share one copy in the page
        cache instead of holding one each. Index files are never written after their version is
        published, so the mapping cannot change under a reader."""
        flag = getattr(faiss, "IO_FLAG_MMAP_IFC", None)
        if flag is not None:
            try:
                return cls(faiss.read_index(str(path), flag))
            except RuntimeError:
                pass  # an index kind whose storage cannot be mapped: read it into memory
        return cls(faiss.read_index(str(path)))

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, positions) of the ``k`` nearest chunks, best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, positions = self._index.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), k)
        keep = positions[0] >= 0
        return scores[0][keep], positions[0][keep]

    def scores_for(self, query_vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        return vectors @ np.asarray(query_vector, dtype=np.float32)
