"""Gold question sets (JSONL) and the text matching rules used to score against them."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from hoidap.vntext import fold_diacritics, normalize_text, syllables


class GoldQuestion(BaseModel):
    """One line of a gold file: ``id, question, question_nodiac, answerable, docs, evidence,
    answer, key_facts, type`` and optionally ``difficulty``. ``evidence`` may be one string or a
    list (one per document for cross-document questions)."""

    id: str
    question: str
    question_nodiac: str
    answerable: bool
    docs: list[str] = Field(default_factory=list)
    evidence: str | list[str] = ""
    answer: str = ""
    key_facts: list[str] = Field(default_factory=list)
    type: str = "unknown"
    difficulty: str | None = None

    @field_validator("evidence", mode="before")
    @classmethod
    def _none_evidence(cls, value: object) -> object:
        return "" if value is None else value

    @property
    def evidence_list(self) -> list[str]:
        items = self.evidence if isinstance(self.evidence, list) else [self.evidence]
        return [e for e in items if e and e.strip()]


def load_gold(path: Path) -> list[GoldQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(GoldQuestion.model_validate(json.loads(line)))
        except (ValueError, TypeError) as error:
            raise ValueError(f"{path}:{number}: dòng không hợp lệ ({error})") from error
    return questions


def normalise_for_match(text: str) -> str:
    """NFC, one tone placement, lower case, single spaces, no markdown, "98 %" = "98%"."""
    text = normalize_text(text).lower().replace("*", "")
    text = re.sub(r"(\d)\s+%", r"\1%", text)
    return " ".join(text.split())


def contains_fact(answer: str, fact: str) -> bool:
    return normalise_for_match(fact) in normalise_for_match(answer)


def evidence_found(evidence: str, passage: str, threshold: float = 0.9) -> bool:
    """Evidence counts as found when the passage contains it, or nearly all of its syllables."""
    if normalise_for_match(evidence) in normalise_for_match(passage):
        return True
    wanted = [fold_diacritics(s) for s in syllables(evidence)]
    if not wanted:
        return False
    have = {fold_diacritics(s) for s in syllables(passage)}
    return sum(s in have for s in wanted) / len(wanted) >= threshold


_CITATION_MARKER = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")


def strip_citation_markers(text: str) -> str:
    """Remove ``[n]`` markers so they are not scored as answer words.

    >>> strip_citation_markers("đạt 98% trở lên [1].")
    'đạt 98% trở lên.'
    """
    return _CITATION_MARKER.sub("", text)


def token_f1(prediction: str, reference: str) -> float:
    """Syllable-level F1 (SQuAD style), on the same normalised form as the fact rule ("98 %" = "98%")."""
    predicted = syllables(normalise_for_match(prediction))
    expected = syllables(normalise_for_match(reference))
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)
