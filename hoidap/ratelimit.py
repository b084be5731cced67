"""Per-key rate limits shared by every edge (the API's per-address limit, the bots' per-user limit).

A neutral module: it imports nothing of the app, so the API and the bots both depend on it and not
on each other.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Protocol

logger = logging.getLogger("hoidap.ratelimit")


def take_token(tokens: float, last: float, now: float, rate: float, burst: int) -> tuple[float, float]:
    """One token-bucket step: refill since ``last`` (tokens per second ``rate``, at most ``burst``),
    then take one if there is one. Returns the tokens left and the seconds to wait (0 when taken).
    The Redis limiter runs the same step as a Lua script, on Redis's clock."""
    tokens = min(float(burst), tokens + max(0.0, now - last) * rate)
    if tokens >= 1:
        return tokens - 1, 0.0
    return tokens, (1 - tokens) / rate if rate > 0 else 60.0


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
            tokens, wait = take_token(tokens, last, now, self.rate, self.burst)
            self._buckets[key] = (tokens, now)
            if wait == 0.0:
                self._forget_idle(now)
            return wait

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


class SQLiteTokenBucketLimiter:
    """The same buckets in one SQLite file, shared by the worker processes of one `hoidap serve`.

    Without Redis, the workers of one machine still need one bucket per client: the kernel hands
    each connection to any worker, so per-process buckets would allow N times the limit, and
    dividing the limit by N would refuse a client whose connections all land on one worker.
    One ``BEGIN IMMEDIATE`` transaction per request (well under a millisecond, WAL mode) reads,
    refills and takes atomically across processes; the wall clock is shared by every worker.
    """

    def __init__(self, path: Path, per_minute: int, burst: int, prefix: str = "api") -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.prefix = prefix
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=5)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # limits are not worth an fsync; a crash forgets them
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, last REAL NOT NULL)"
        )
        self._lock = threading.Lock()  # one connection per process, used by one thread at a time

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed; otherwise the seconds to wait. Fails open (logged) if the file is unusable."""
        now = time.time() if now is None else now
        name = f"{self.prefix}:{key}"
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    row = self._db.execute("SELECT tokens, last FROM buckets WHERE key = ?", (name,)).fetchone()
                    tokens, last = row if row is not None else (float(self.burst), now)
                    tokens, wait = take_token(tokens, last, now, self.rate, self.burst)
                    self._db.execute(
                        "INSERT INTO buckets (key, tokens, last) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens, last = excluded.last",
                        (name, tokens, now),
                    )
                    if wait == 0.0 and self.rate > 0:
                        # Buckets that have refilled are the same as no bucket: keep the table small.
                        self._db.execute("DELETE FROM buckets WHERE last < ?", (now - self.burst / self.rate - 60,))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as error:
            logger.warning("rate limit not checked, %s unusable: %s", self.prefix, error)
            return 0.0
        return wait


def make_limiter(
    per_minute: int,
    burst: int,
    redis_client: Any | None = None,
    prefix: str = "hoidap:api:limit",
    shared_path: Path | None = None,
) -> RateLimiter:
    """Redis buckets when a client is given (replicas), a shared SQLite file for the workers of one
    machine (``shared_path``), in-process buckets otherwise."""
    if redis_client is not None:
        return RedisTokenBucketLimiter(redis_client, per_minute, burst, prefix=prefix)
    if shared_path is not None:
        return SQLiteTokenBucketLimiter(shared_path, per_minute, burst, prefix=prefix)
    return TokenBucketLimiter(per_minute, burst)
