"""--min / --max parsing and checking."""

from __future__ import annotations

import pytest

from hoidap.eval.thresholds import check_thresholds, parse_threshold

METRICS = {"hoidap.accented.correct": 0.8, "hoidap.accented.latency_p95_ms": 300.0}


def test_parse_takes_the_last_equals_sign_and_a_number():
    threshold = parse_threshold(" hoidap.accented.correct = 0.75", "min")
    assert (threshold.key, threshold.bound, threshold.kind) == ("hoidap.accented.correct", 0.75, "min")
    with pytest.raises(ValueError, match="KHÓA=GIÁ_TRỊ"):
        parse_threshold("hoidap.accented.correct", "min")
    with pytest.raises(ValueError, match="không phải là số"):
        parse_threshold("hoidap.accented.correct=cao", "min")


def test_min_and_max_bounds():
    ok = check_thresholds(
        METRICS,
        [parse_threshold("hoidap.accented.correct=0.8", "min"), parse_threshold("hoidap.accented.latency_p95_ms=300", "max")],
    )
    assert ok.ok
    bad = check_thresholds(
        METRICS,
        [parse_threshold("hoidap.accented.correct=0.81", "min"), parse_threshold("hoidap.accented.latency_p95_ms=299", "max")],
    )
    assert not bad.ok and len(bad.failed) == 2
    assert "hoidap.accented.correct = 0.8" in bad.failed[0]


def test_an_unknown_key_fails_and_suggests_the_right_one():
    report = check_thresholds(METRICS, [parse_threshold("hoidap.acented.correct=0.1", "min")])
    assert not report.ok and not report.failed
    assert "hoidap.accented.correct" in report.unknown[0]
