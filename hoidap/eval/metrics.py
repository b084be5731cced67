"""Scoring: one gold question + one answer → :class:`QuestionScore`; many records → a flat dict.

Metric keys read ``<system>.<variant>.<metric>`` and, per question type,
``<system>.<variant>.by_type.<type>.<metric>``, e.g. ``hoidap.unaccented.all_key_facts`` or
``bm25.accented.by_type.number.evidence_at_5``. Values are floats (counts included), so the
dict is JSON as it is and ``--min KEY=VALUE`` can name any of them.

What each metric means (retrieval and answer metrics are over answerable questions only):

- ``evidence_at_1``: the first citation's text holds an evidence string (see ``evidence_found``).
- ``evidence_at_5``: one of the first five citations holds an evidence string.
- ``evidence_all_at_5``: every evidence string (one per document for cross-document questions)
  is in one of the first five citations.
- ``mrr_at_10``: 1 / rank of the first citation holding an evidence string, 0 past rank 10.
- ``doc_at_1`` / ``doc_at_5`` / ``doc_all_at_5`` / ``doc_mrr_at_10``: the same by gold document
  (a citation's ``source`` is one of the question's ``docs``).
- ``citation_verbatim``: share of all citations whose quote is verbatim in the cited document.
- ``citation_support``: share of answers (not refusals) whose every ``[n]`` marker points to an
  existing citation that supports the text before it; an answer without markers fails. Only for
  systems that write markers.
- ``all_key_facts`` / ``key_fact_recall`` / ``token_f1``: against the gold key facts and answer;
  a refusal scores 0.
- ``correct``: answerable questions answered with all key facts, plus unanswerable ones refused,
  over all questions: the one number that says how often a user got the right outcome.
- ``unanswerable_refused`` / ``answerable_refused``: refusal rates.
- ``latency_p50_ms`` / ``latency_p95_ms``: wall-clock per question; ``error_rate``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from hoidap.eval.gold import (
    GoldQuestion,
    contains_fact,
    evidence_found,
    strip_citation_markers,
    token_f1,
)
from hoidap.eval.records import QuestionRecord, QuestionScore, SystemAnswer
from hoidap.qa.schemas import Citation
from hoidap.vntext import folded_syllables

MRR_DEPTH = 10
TOP = 5
# See segment_supported: the bigram overlap a marker needs with the quotes it points to.
SUPPORT_THRESHOLD = 0.5

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


# --------------------------------------------------------------------------- per question


def first_rank(hits: Iterable[bool]) -> int | None:
    for rank, hit in enumerate(hits, start=1):
        if hit:
            return rank
    return None


def marker_segments(answer: str) -> list[tuple[str, list[int]]]:
    """The answer cut at its ``[n]`` markers: each piece of text with the citation numbers after it.

    >>> marker_segments("Đạt 98% [1]. Tuổi thọ 80 [2][3].")
    [('Đạt 98%', [1]), ('. Tuổi thọ 80', [2, 3])]
    """
    segments: list[tuple[str, list[int]]] = []
    last = 0
    for match in _MARKER.finditer(answer):
        text = answer[last : match.start()].strip()
        numbers = [int(n) for n in re.split(r"\s*[,;]\s*", match.group(1))]
        if segments and not any(ch.isalnum() for ch in text):
            segments[-1][1].extend(numbers)  # "[2][3]": one piece, two sources
        else:
            segments.append((text, numbers))
        last = match.end()
    return segments


def _bigrams(text: str) -> set[tuple[str, ...]]:
    units = folded_syllables(text)
    return set(zip(units, units[1:], strict=False)) if len(units) > 1 else {tuple(units)} - {()}


def segment_supported(segment: str, citations: list[Citation]) -> bool:
    """The text before a marker is drawn from the cited quotes, or restates them.

    Measured on folded syllable bigrams, both ways: an extractive sentence is nearly all inside
    its quote; a metadata answer ("… ban hành ngày 03 tháng 6 năm 2024") holds nearly all of a
    short quote ("P. Nguyễn Nghiêm, ngày 03 tháng 6 năm 2024"). On the dev set, right markers
    score ≥ 0.67 but for one signature block padded with a QR-code caption (0.4); a quote from
    another document scores ≤ 0.46.
    """
    wanted = _bigrams(segment)
    have: set[tuple[str, ...]] = set()
    for citation in citations:
        have |= _bigrams(citation.quote)
    if not wanted:
        return True
    if not have:
        return False
    common = len(wanted & have)
    return max(common / len(wanted), common / len(have)) >= SUPPORT_THRESHOLD


def markers_supported(answer: str, citations: list[Citation]) -> bool:
    by_number = {c.n: c for c in citations}
    segments = marker_segments(answer)
    if not segments:
        return False
    for text, numbers in segments:
        cited = [by_number[n] for n in numbers if n in by_number]
        if len(cited) != len(numbers) or not segment_supported(text, cited):
            return False
    return True


def score_question(
    gold: GoldQuestion, answer: SystemAnswer, documents: Mapping[str, str], *, inline_citations: bool
) -> QuestionScore:
    """Score one answer. ``documents`` maps a source name to its text (for the verbatim check)."""
    response = answer.response
    if response is None:
        return QuestionScore(
            error=True,
            evidence_rank=None,
            evidence_at_1=False if gold.answerable else None,
            evidence_at_5=False if gold.answerable else None,
            evidence_all_at_5=False if gold.answerable else None,
            doc_at_1=False if gold.answerable else None,
            doc_at_5=False if gold.answerable else None,
            doc_all_at_5=False if gold.answerable else None,
            key_fact_recall=0.0 if gold.answerable else None,
            missing_facts=list(gold.key_facts),
            token_f1=0.0 if gold.answerable else None,
        )
    citations = response.citations
    score = QuestionScore(
        refused=not response.answerable,
        citations=len(citations),
        citations_verbatim=sum(c.quote in documents.get(c.source, "") for c in citations),
    )
    if inline_citations and response.answerable:
        score.markers_supported = markers_supported(response.answer, citations)
    if not gold.answerable:
        return score

    ranked = citations[:MRR_DEPTH]
    evidence = gold.evidence_list
    found = [[evidence_found(e, c.text) for e in evidence] for c in ranked]
    score.evidence_rank = first_rank(any(row) for row in found)
    score.evidence_at_1 = score.evidence_rank == 1
    score.evidence_at_5 = score.evidence_rank is not None and score.evidence_rank <= TOP
    score.evidence_all_at_5 = bool(evidence) and all(
        any(row[i] for row in found[:TOP]) for i in range(len(evidence))
    )
    gold_docs = set(gold.docs)
    score.doc_rank = first_rank(c.source in gold_docs for c in ranked)
    score.doc_at_1 = score.doc_rank == 1
    score.doc_at_5 = score.doc_rank is not None and score.doc_rank <= TOP
    score.doc_all_at_5 = bool(gold_docs) and gold_docs <= {c.source for c in ranked[:TOP]}

    text = strip_citation_markers(response.answer) if response.answerable else ""
    present = [fact for fact in gold.key_facts if contains_fact(text, fact)]
    score.missing_facts = [fact for fact in gold.key_facts if fact not in present]
    score.key_fact_recall = len(present) / len(gold.key_facts) if gold.key_facts else 1.0
    score.token_f1 = token_f1(text, gold.answer) if text else 0.0
    return score


# --------------------------------------------------------------------------- aggregation


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def summarise(records: list[QuestionRecord]) -> dict[str, float]:
    """The metrics of one group of records (one system, one variant, maybe one question type)."""
    answerable = [r.score for r in records if r.answerable]
    unanswerable = [r.score for r in records if not r.answerable]
    out: dict[str, float | None] = {
        "n_questions": float(len(records)),
        "n_answerable": float(len(answerable)),
        "n_unanswerable": float(len(unanswerable)),
        "correct": _mean(
            [float(bool(s.all_key_facts) and not s.refused and not s.error) for s in answerable]
            + [float(s.refused) for s in unanswerable]
        ),
        "evidence_at_1": _mean([float(bool(s.evidence_at_1)) for s in answerable]),
        "evidence_at_5": _mean([float(bool(s.evidence_at_5)) for s in answerable]),
        "evidence_all_at_5": _mean([float(bool(s.evidence_all_at_5)) for s in answerable]),
        "mrr_at_10": _mean([1 / s.evidence_rank if s.evidence_rank else 0.0 for s in answerable]),
        "doc_at_1": _mean([float(bool(s.doc_at_1)) for s in answerable]),
        "doc_at_5": _mean([float(bool(s.doc_at_5)) for s in answerable]),
        "doc_all_at_5": _mean([float(bool(s.doc_all_at_5)) for s in answerable]),
        "doc_mrr_at_10": _mean([1 / s.doc_rank if s.doc_rank else 0.0 for s in answerable]),
        "all_key_facts": _mean([float(bool(s.all_key_facts) and not s.refused) for s in answerable]),
        "key_fact_recall": _mean([s.key_fact_recall or 0.0 for s in answerable]),
        "token_f1": _mean([s.token_f1 or 0.0 for s in answerable]),
        "answerable_refused": _mean([float(s.refused) for s in answerable]),
        "unanswerable_refused": _mean([float(s.refused) for s in unanswerable]),
        "error_rate": _mean([float(r.score.error) for r in records]),
    }
    total_citations = sum(r.score.citations for r in records)
    if total_citations:
        out["citation_verbatim"] = sum(r.score.citations_verbatim for r in records) / total_citations
    support = [float(r.score.markers_supported) for r in records if r.score.markers_supported is not None]
    out["citation_support"] = _mean(support)
    latencies = [r.latency_ms for r in records if not r.score.error]
    if latencies:
        out["latency_p50_ms"] = float(np.percentile(latencies, 50))
        out["latency_p95_ms"] = float(np.percentile(latencies, 95))
    return {name: value for name, value in out.items() if value is not None}


def aggregate(records: list[QuestionRecord]) -> dict[str, float]:
    """All metrics, flat: per system and variant, then per question type within them."""
    groups: dict[tuple[str, str], list[QuestionRecord]] = defaultdict(list)
    for record in records:
        groups[(record.system, record.variant)].append(record)
    metrics: dict[str, float] = {}
    for (system, variant), group in groups.items():
        prefix = f"{system}.{variant}"
        metrics.update({f"{prefix}.{name}": value for name, value in summarise(group).items()})
        by_type: dict[str, list[QuestionRecord]] = defaultdict(list)
        for record in group:
            by_type[record.type].append(record)
        for question_type in sorted(by_type):
            for name, value in summarise(by_type[question_type]).items():
                metrics[f"{prefix}.by_type.{question_type}.{name}"] = value
    return metrics
