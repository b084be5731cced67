"""Per-key rate limits shared by every edge (the API's per-address limit, the bots' per-user limit).

A neutral module: it imports nothing of the app, so the API and the bots both depend on it and not
on each other.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

logger = logging.getLogger("hoidap.ratelimit")


class TokenBucketLimiter:
    """Per-key token buckets: ``per_minute`` sustained, up to ``burst`` at once."""

    def __init__(self, per_minute: int, burst: int, max_keys: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed; otherwise the seconds to wait before the next request is allowed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                self._forget_idle(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate > 0 else 60.0

    def _forget_idle(self, now: float) -> None:
        if len(self._buckets) <= self.max_keys:
            return
        # A bucket that has refilled is the same as no bucket: drop those first.
        refill = self.burst / self.rate if self.rate > 0 else 0
        for key, (_, last) in list(self._buckets.items()):
            if now - last >= refill:
                del self._buckets[key]
        while len(self._buckets) > self.max_keys:
            self._buckets.pop(next(iter(self._buckets)))


class RateLimiter(Protocol):
    def take(self, key: str) -> float:
        """0 when allowed; otherwise the seconds to wait."""
        ...


# One token bucket per key in a Redis hash, refilled and taken in one atomic script on Redis's own
# clock, so every replica sees the same bucket and replicas' clocks never need to agree.
_TAKE_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
elseif rate > 0 then
  wait = (1 - tokens) / rate
else
  wait = 60
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now))
local idle = 3600
if rate > 0 then idle = math.ceil(burst / rate) + 1 end
redis.call('EXPIRE', KEYS[1], idle)
return tostring(wait)
"""


class RedisTokenBucketLimiter:
    """The same buckets as :class:`TokenBucketLimiter`, kept in Redis and shared by every replica.

    A client over its limit on one replica is over it on all. Keys expire once their bucket would
    have refilled, so Redis holds only active clients. If Redis cannot be reached the request is
    let through (and logged): an outage of the limiter must not take the service down with it.
    """

    def __init__(self, client: Any, per_minute: int, burst: int, prefix: str = "hoidap:limit") -> None:
        self.client = client
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.prefix = prefix
        self._script = client.register_script(_TAKE_SCRIPT)

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed; otherwise the seconds to wait. ``now`` (seconds) replaces Redis's clock in tests."""
        try:
            wait = self._script(
                keys=[f"{self.prefix}:{key}"], args=[self.rate, self.burst, "" if now is None else now]
            )
        except Exception as error:  # redis.RedisError and connection errors; redis is an optional import
            logger.warning("rate limit not checked, Redis unreachable: %s", error)
            return 0.0
        return float(wait)


def make_limiter(
    per_minute: int, burst: int, redis_client: Any | None = None, prefix: str = "hoidap:api:limit"
) -> RateLimiter:
    """Redis buckets when a client is given (replicas), in-process buckets otherwise."""
    if redis_client is not None:
        return RedisTokenBucketLimiter(redis_client, per_minute, burst, prefix=prefix)
    return TokenBucketLimiter(per_minute, burst)
