"""Small parts of the service that need no index: the rate limiter, file names, error descriptions."""

from __future__ import annotations

import os
import subprocess

import pytest

from hoidap.api.errors import ApiError, clean_text, describe_validation_error
from hoidap.api.library import safe_filename
from hoidap.api.metrics import Metrics, fresh_multiprocess_dir
from hoidap.ratelimit import SQLiteTokenBucketLimiter, TokenBucketLimiter


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    limiter = TokenBucketLimiter(per_minute=60, burst=3)
    assert [limiter.take("a", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("a", now=100.0)
    assert 0.9 < wait <= 1.0  # one token a second
    assert limiter.take("b", now=100.0) == 0.0  # per client
    assert limiter.take("a", now=101.01) == 0.0


def test_token_bucket_forgets_idle_clients() -> None:
    limiter = TokenBucketLimiter(per_minute=60, burst=2, max_keys=10)
    for i in range(50):
        limiter.take(f"client-{i}", now=float(i * 10))
    assert len(limiter._buckets) <= 10


def test_sqlite_buckets_are_one_bucket_for_every_worker(tmp_path) -> None:
    # Two limiters on one file stand for two worker processes (each opens its own connection).
    path = tmp_path / "ratelimits.sqlite3"
    first, second = (SQLiteTokenBucketLimiter(path, per_minute=60, burst=3) for _ in range(2))
    assert [first.take("a", now=100.0), second.take("a", now=100.0), first.take("a", now=100.0)] == [0.0] * 3
    assert 0.9 < second.take("a", now=100.0) <= 1.0
    assert first.take("b", now=100.0) == 0.0  # per client
    assert second.take("a", now=101.01) == 0.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ke-hoach.docx", "ke-hoach.docx"),
        ("C:\\Users\\an\\Kế hoạch 12.PDF", "Kế hoạch 12.PDF"),
        ("../../etc/van-ban.txt", "van-ban.txt"),
        ("Ke\u0302\u0301 hoa\u0323ch.txt", "Kế hoạch.txt"),
    ],
)
def test_safe_filenames(raw: str, expected: str) -> None:
    assert safe_filename(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "invalid_filename"), (".env.txt", "invalid_filename"), ("a\x00.txt", "invalid_filename"), ("run.sh", "unsupported_type"), ("x" * 300 + ".txt", "invalid_filename"), (None, "invalid_filename")],
)
def test_unsafe_filenames_are_refused(raw: str | None, code: str) -> None:
    with pytest.raises(ApiError) as refused:
        safe_filename(raw)
    assert refused.value.code == code


def test_clean_text_normalises_and_refuses_control_characters() -> None:
    assert clean_text("ba\u0309o hie\u0302\u0309m", "question") == "bảo hiểm"
    assert clean_text("dòng 1\ndòng 2\t", "question") == "dòng 1\ndòng 2\t"
    for bad in ("\x00", "a\x1bb", "\ud83d", "\ufffe", "\x85"):
        with pytest.raises(ApiError):
            clean_text(bad, "question")


def test_validation_errors_are_described_in_vietnamese() -> None:
    code, message = describe_validation_error([{"type": "extra_forbidden", "loc": ("body", "topk")}])
    assert code == "unknown_field" and "topk" in message and "không được hỗ trợ" in message
    code, message = describe_validation_error([{"type": "less_than_equal", "loc": ("body", "top_k"), "ctx": {"le": 20}}])
    assert code == "out_of_range" and "20" in message
    assert describe_validation_error([])[0] == "invalid_request"


def test_result_cache_is_lru_and_keyed_by_normalised_question() -> None:
    from hoidap.api.state import ResultCache

    cache: ResultCache[str] = ResultCache(size=2)
    cache.put("bảo  hiểm ", 5, "a")
    assert cache.get("ba\u0309o hie\u0302\u0309m", 5) == "a"  # NFD and spacing do not matter
    assert cache.get("bảo hiểm", 3) is None  # top_k does
    cache.put("q2", 5, "b")
    cache.put("q3", 5, "c")  # evicts the least recently used
    assert cache.get("q2", 5) == "b" and cache.get("q3", 5) == "c" and cache.get("bảo hiểm", 5) is None
    assert ResultCache[str](size=0).get("x", 1) is None


def test_apps_in_one_process_keep_their_own_metrics() -> None:
    # No PROMETHEUS_MULTIPROC_DIR here (only `hoidap serve --workers N` sets it, for its workers).
    first, second = Metrics(), Metrics()
    first.answers.inc()
    assert first.shared_dir is None and second.shared_dir is None
    assert b"hoidap_answers_total 1.0" in first.render()
    assert b"hoidap_answers_total 0.0" in second.render()


def test_each_server_run_counts_from_an_empty_metrics_directory(tmp_path) -> None:
    run_dir = tmp_path / "run"
    gone = subprocess.Popen(["true"])
    gone.wait()
    for pid in (os.getpid(), gone.pid, os.getppid()):
        (run_dir / f"metrics-{pid}").mkdir(parents=True)
        (run_dir / f"metrics-{pid}" / "counter_1.db").write_bytes(b"old")
    fresh = fresh_multiprocess_dir(run_dir, os.getpid())
    assert fresh == run_dir / f"metrics-{os.getpid()}" and list(fresh.iterdir()) == []
    # A killed server's directory goes; a running server's (the parent, here) stays.
    assert not (run_dir / f"metrics-{gone.pid}").exists()
    assert (run_dir / f"metrics-{os.getppid()}" / "counter_1.db").exists()
