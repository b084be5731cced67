"""Talking points carry the facts an officer needs on each topic of data/eval/topics_dev.jsonl, and
nothing on a topic the documents do not cover."""

from __future__ import annotations

from pathlib import Path

from hoidap.eval.points import evaluate_points, load_topics
from hoidap.propaganda.service import propaganda_for
from hoidap.qa.service import QAService

TOPICS = Path(__file__).resolve().parents[2] / "data" / "eval" / "topics_dev.jsonl"


def test_topic_set_coverage(shared_service: QAService) -> None:
    metrics, details = evaluate_points(propaganda_for(shared_service).talking_points, load_topics(TOPICS))
    print(metrics, details)
    assert metrics["key_fact_coverage"] >= 0.78, details  # measured 0.83 when the set was written
    assert metrics["uncovered_empty"] == 1.0, details
