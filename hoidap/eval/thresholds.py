"""Quality gates: ``--min hoidap.accented.correct=0.75`` / ``--max hoidap.accented.latency_p95_ms=400``.

A threshold naming a metric the run did not produce is an error, not a pass: a typo in CI
must not turn a guard off silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel


class Threshold(BaseModel):
    key: str
    bound: float
    kind: Literal["min", "max"]

    def holds(self, value: float) -> bool:
        return value >= self.bound if self.kind == "min" else value <= self.bound


class ThresholdReport(BaseModel):
    failed: list[str] = []  # one Vietnamese line per metric out of bounds
    unknown: list[str] = []  # one line per key the run did not produce, with suggestions

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unknown


def parse_threshold(text: str, kind: Literal["min", "max"]) -> Threshold:
    """``"hoidap.accented.correct=0.75"`` → Threshold; ValueError with a message saying the form."""
    key, sep, value = text.rpartition("=")
    key = key.strip()
    if not sep or not key:
        raise ValueError(f"Ngưỡng '{text}' sai dạng: cần KHÓA=GIÁ_TRỊ, ví dụ hoidap.accented.correct=0.75.")
    try:
        bound = float(value)
    except ValueError:
        raise ValueError(f"Ngưỡng '{text}': '{value}' không phải là số.") from None
    return Threshold(key=key, bound=bound, kind=kind)


def check_thresholds(metrics: Mapping[str, float], thresholds: list[Threshold]) -> ThresholdReport:
    report = ThresholdReport()
    for threshold in thresholds:
        if threshold.key not in metrics:
            close = difflib.get_close_matches(threshold.key, list(metrics), n=3)
            hint = f" Có phải: {', '.join(close)}?" if close else ""
            report.unknown.append(f"Không có chỉ số '{threshold.key}' trong kết quả.{hint}")
            continue
        value = metrics[threshold.key]
        if not threshold.holds(value):
            relation = "dưới mức tối thiểu" if threshold.kind == "min" else "trên mức tối đa"
            report.failed.append(f"{threshold.key} = {value:.4g}, {relation} {threshold.bound:g}")
    return report
