"""What the running service holds: the QAService of the current index version, swapped atomically.

A request reads ``holder.current`` once and works with that :class:`ServingState` until it
returns. A rebuild constructs a complete new state and replaces the attribute in one assignment,
so in-flight requests finish on the old index and new ones start on the new one; nothing is
locked on the read path.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

from hoidap.qa.schemas import AskResponse, SearchResponse
from hoidap.qa.service import QAService
from hoidap.replicas import RedisResultCache
from hoidap.vntext import normalize_text

Result = TypeVar("Result")
logger = logging.getLogger("hoidap.api")


class ResultCache(Generic[Result]):
    """Results by normalised question, for one index version (a swap starts an empty cache).

    Citizens ask the same things; answering from the cache skips embedding and retrieval (the
    query embedding is most of the time of a request). Each /v1/ask hit still gets its own
    ``answer_id`` so feedback stays per answer.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, int], Result] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(question: str, top_k: int) -> tuple[str, int]:
        return " ".join(normalize_text(question).split()), top_k

    def get(self, question: str, top_k: int) -> Result | None:
        if self.size <= 0:
            return None
        key = self.key(question, top_k)
        with self._lock:
            response = self._entries.get(key)
            if response is not None:
                self._entries.move_to_end(key)
            return response

    def put(self, question: str, top_k: int, response: Result) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[self.key(question, top_k)] = response
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class ServingState:
    """One index version ready to answer: its QAService and the caches that belong to it.

    With ``redis_client`` (replicas) the caches live in Redis under this version's name, so one
    replica's answer serves the same question on every other replica.
    """

    def __init__(
        self, service: QAService, cache_size: int, redis_client: Any | None = None, prefix: str = "hoidap"
    ) -> None:
        self.service = service
        self.cache: ResultCache[AskResponse] | RedisResultCache[AskResponse]
        self.search_cache: ResultCache[SearchResponse] | RedisResultCache[SearchResponse]
        if redis_client is not None and cache_size > 0:
            self.cache = RedisResultCache(redis_client, AskResponse, self.version, "ask", prefix)
            self.search_cache = RedisResultCache(redis_client, SearchResponse, self.version, "search", prefix)
        else:
            self.cache = ResultCache(cache_size)
            self.search_cache = ResultCache(cache_size)

    @property
    def version(self) -> str:
        return self.service.version

    @cached_property
    def chunk_counts(self) -> dict[str, int]:
        return self.service.chunk_counts()

    def answer(self, question: str, top_k: int) -> tuple[AskResponse, bool]:
        """The answer to a standalone question, and whether it came from the cache (each answer
        still gets its own ``answer_id``, so feedback stays per answer)."""
        cached = self.cache.get(question, top_k)
        hit = cached is not None
        if cached is None:
            cached = self.service.ask(question, top_k=top_k, conversation_id=None)
            self.cache.put(question, top_k, cached)
        return cached.model_copy(update={"answer_id": uuid.uuid4().hex}), hit

    def search(self, query: str, k: int) -> SearchResponse:
        cached = self.search_cache.get(query, k)
        if cached is None:
            cached = self.service.search(query, k=k)
            self.search_cache.put(query, k, cached)
        return cached


class ServiceHolder:
    """The one mutable reference: ``current`` is None until the index is loaded."""

    def __init__(self, cache_size: int, redis_client: Any | None = None, prefix: str = "hoidap") -> None:
        self.cache_size = cache_size
        self.redis_client = redis_client
        self.prefix = prefix
        self.current: ServingState | None = None
        self.loading_error: str | None = None

    def swap(self, service: QAService) -> ServingState:
        state = ServingState(service, self.cache_size, self.redis_client, self.prefix)
        self.current = state  # one attribute assignment: atomic for readers
        self.loading_error = None
        return state


class VersionNotice(Protocol):
    """Where the index version to serve is read: Redis for replicas (:class:`hoidap.replicas.IndexVersionNotice`),
    the index's own pointer on disk for the workers of one machine (:class:`hoidap.api.workers.DiskIndexVersion`)."""

    def published(self) -> str | None: ...


def follow_index_versions(
    holder: ServiceHolder,
    notice: VersionNotice,
    reload: Callable[[QAService], QAService],
    interval: float,
    stop: threading.Event,
) -> None:
    """Poll the version other replicas (or workers) published and load it (``reload`` builds a QAService on the
    index now on disk, reusing the loaded embedder); runs in a daemon thread until ``stop``."""
    attempted: str | None = None
    while not stop.wait(interval):
        published = notice.published()
        current = holder.current
        if published is None or current is None or published in (current.version, attempted):
            continue
        attempted = published  # one try per notice: a version that fails to load is not retried in a loop
        try:
            service = reload(current.service)
        except Exception:
            logger.exception("could not load index version %s published by another replica", published)
            continue
        if service.index.version != current.version:
            holder.swap(service)
            logger.warning("Đã nạp chỉ mục %s (do bản sao hoặc tiến trình khác cập nhật)", service.index.version)
