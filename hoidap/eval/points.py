"""Talking-point coverage: the share of the facts an officer needs on a topic that the points carry.

A topics file is JSON lines ``{"topic", "key_facts": [...], "covered": bool}``; a key fact counts
as carried when it appears (diacritics and case ignored) in a point's text or one of its quotes.
A topic marked ``covered: false`` must get no points at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from hoidap.vntext import fold_diacritics


def load_topics(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _folded(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


def evaluate_points(points_for: Callable[[str], object], topics: list[dict]) -> tuple[dict[str, float], list[dict]]:
    """(metrics, details). Metrics: ``key_fact_coverage`` over covered topics, ``uncovered_empty``."""
    carried = needed = 0
    empty_ok: list[bool] = []
    details = []
    for row in topics:
        result = points_for(row["topic"])
        points = getattr(result, "points", [])
        text = _folded(" ".join(p.text + " " + " ".join(c.quote for c in p.citations) for p in points))
        if not row.get("covered", True):
            empty_ok.append(not points)
            details.append({"topic": row["topic"], "points": len(points), "message": getattr(result, "message", None)})
            continue
        missing = [fact for fact in row["key_facts"] if _folded(fact) not in text]
        carried += len(row["key_facts"]) - len(missing)
        needed += len(row["key_facts"])
        details.append({"topic": row["topic"], "points": len(points), "missing": missing})
    metrics = {
        "key_fact_coverage": round(carried / needed, 4) if needed else 0.0,
        "n_key_facts": float(needed),
        "uncovered_empty": round(sum(empty_ok) / len(empty_ok), 4) if empty_ok else 1.0,
    }
    return metrics, details
