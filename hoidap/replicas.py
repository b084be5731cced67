"""What API replicas share through Redis (``HOIDAP_REDIS_URL``): the answer cache and the index version.

A neutral module like :mod:`hoidap.ratelimit`: pydantic and the text normaliser only, redis-py is
imported when a URL is given. Every operation degrades to "not shared" when Redis is unreachable
(a cache miss, no notice): replicas then answer on their own, never with an error.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from hoidap.optional import require_backend
from hoidap.vntext import normalize_text

logger = logging.getLogger("hoidap.replicas")

Model = TypeVar("Model", bound=BaseModel)


def connect_redis(url: str) -> Any:
    """A redis-py client for ``url`` (short timeouts: a slow Redis must not stall answers)."""
    redis = require_backend("redis", "scale", "HOIDAP_REDIS_URL")
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)


class RedisResultCache(Generic[Model]):
    """Results by normalised question for one index version, shared by every replica.

    The key names the index version, so answers of an old version are never served after a swap
    (they expire on their own after ``ttl_seconds``). Same ``get``/``put`` as the in-process cache.
    """

    def __init__(
        self, client: Any, model: type[Model], version: str, kind: str, prefix: str = "hoidap", ttl_seconds: int = 86400
    ) -> None:
        self.client = client
        self.model = model
        self.namespace = f"{prefix}:cache:{version}:{kind}"
        self.ttl_seconds = ttl_seconds

    def key(self, question: str, top_k: int) -> str:
        text = " ".join(normalize_text(question).split())
        return f"{self.namespace}:{top_k}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"

    def get(self, question: str, top_k: int) -> Model | None:
        try:
            raw = self.client.get(self.key(question, top_k))
        except Exception as error:  # redis errors: a miss
            logger.warning("answer cache unreachable: %s", error)
            return None
        if raw is None:
            return None
        try:
            return self.model.model_validate_json(raw)
        except ValueError:  # written by another release of the response model: a miss
            return None

    def put(self, question: str, top_k: int, result: Model) -> None:
        try:
            self.client.set(self.key(question, top_k), result.model_dump_json(), ex=self.ttl_seconds)
        except Exception as error:
            logger.warning("answer cache unreachable: %s", error)


class IndexVersionNotice:
    """The index version every replica should serve: set by the replica that built it, polled by all.

    A polled key rather than pub/sub: a replica that was restarting or briefly cut off when the
    notice went out still sees it on its next poll.
    """

    def __init__(self, client: Any, prefix: str = "hoidap") -> None:
        self.client = client
        self.key = f"{prefix}:index_version"

    def publish(self, version: str) -> None:
        try:
            self.client.set(self.key, version)
        except Exception as error:
            logger.warning("index version not published, Redis unreachable: %s", error)

    def published(self) -> str | None:
        try:
            raw = self.client.get(self.key)
        except Exception as error:
            logger.warning("index version not read, Redis unreachable: %s", error)
            return None
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw
