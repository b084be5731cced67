"""Shared state on a real redis-server: rate limits, the answer cache and the index-version notice."""

from __future__ import annotations

from pydantic import BaseModel

from hoidap.ratelimit import RedisTokenBucketLimiter, TokenBucketLimiter, make_limiter
from hoidap.replicas import IndexVersionNotice, RedisResultCache, connect_redis


class Answer(BaseModel):
    text: str
    sources: list[str]


def test_a_client_over_its_limit_is_limited_on_every_replica(redis_url: str) -> None:
    one = make_limiter(60, 3, connect_redis(redis_url))
    two = make_limiter(60, 3, connect_redis(redis_url))
    assert isinstance(one, RedisTokenBucketLimiter)
    assert [one.take("1.2.3.4", now=100.0), two.take("1.2.3.4", now=100.0), one.take("1.2.3.4", now=100.0)] == [0.0] * 3
    # The burst is spent across both replicas: the fourth request waits a second on either.
    assert two.take("1.2.3.4", now=100.0) == 1.0
    assert one.take("1.2.3.4", now=100.5) == 0.5
    assert one.take("5.6.7.8", now=100.0) == 0.0  # another client has its own bucket
    assert two.take("1.2.3.4", now=101.0) == 0.0  # one token refilled after a second at 60/min


def test_redis_buckets_agree_with_the_in_process_ones(redis_url: str) -> None:
    shared = RedisTokenBucketLimiter(connect_redis(redis_url), per_minute=30, burst=2)
    local = TokenBucketLimiter(per_minute=30, burst=2)
    moments = [0.0, 0.1, 0.2, 0.3, 1.0, 2.5, 2.6, 9.0, 9.0, 9.0]
    for moment in moments:
        assert abs(shared.take("c", now=1000 + moment) - local.take("c", now=1000 + moment)) < 1e-6


def test_redis_clock_is_used_when_no_time_is_given(redis_url: str) -> None:
    limiter = RedisTokenBucketLimiter(connect_redis(redis_url), per_minute=1, burst=1)
    assert limiter.take("c") == 0.0
    assert 59 < limiter.take("c") <= 60


def test_answers_are_cached_per_index_version_and_shared(redis_url: str) -> None:
    answer = Answer(text="Đến năm 2030, 95% dân số tham gia BHYT [1].", sources=["d1"])
    first = RedisResultCache(connect_redis(redis_url), Answer, "v-1", "ask")
    first.put("Tỷ lệ  BHYT năm 2030?", 5, answer)
    other_replica = RedisResultCache(connect_redis(redis_url), Answer, "v-1", "ask")
    # Same question up to spacing and Unicode form: the same entry.
    assert other_replica.get("Tỷ lệ BHYT năm 2030?", 5) == answer
    assert other_replica.get("Tỷ lệ BHYT năm 2030?", 3) is None
    assert RedisResultCache(connect_redis(redis_url), Answer, "v-2", "ask").get("Tỷ lệ BHYT năm 2030?", 5) is None


def test_the_index_version_notice(redis_url: str) -> None:
    notice = IndexVersionNotice(connect_redis(redis_url), prefix="t")
    assert notice.published() is None
    notice.publish("v-20261204T200000-abcdef")
    assert IndexVersionNotice(connect_redis(redis_url), prefix="t").published() == "v-20261204T200000-abcdef"


def test_an_unreachable_redis_lets_requests_through_and_misses(redis_url: str) -> None:
    from tests.servers import free_port

    dead = connect_redis(f"redis://127.0.0.1:{free_port()}/0")
    assert RedisTokenBucketLimiter(dead, per_minute=1, burst=1).take("c") == 0.0
    cache = RedisResultCache(dead, Answer, "v-1", "ask")
    cache.put("q", 5, Answer(text="a", sources=[]))
    assert cache.get("q", 5) is None
    assert IndexVersionNotice(dead).published() is None
