"""Gold question sets (JSONL) and the text matching rules used to score against them."""

from __future__ import annotations

import json
import re
from collections import Counter
from difflib import SequenceMatcher
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


_WRITTEN_DATE = re.compile(r"\b(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b")
_LEADING_ZEROS = re.compile(r"(?<![\d,.])0+(?=\d)")


def normalise_for_match(text: str) -> str:
    """NFC, one tone placement, lower case, single spaces, no markdown, "98 %" = "98%", and one
    way of writing a date or a count: "ngày 03 tháng 6 năm 2024" = "03/06/2024" = "3/6/2024",
    "01 năm" = "1 năm"."""
    text = normalize_text(text).lower().replace("*", "")
    text = re.sub(r"(\d)\s+%", r"\1%", text)
    text = _WRITTEN_DATE.sub(r"\1/\2/\3", text)
    text = _LEADING_ZEROS.sub("", text)  # "01 năm" = "1 năm", "03/06/2024" = "3/6/2024"
    return " ".join(text.split())


def contains_fact(answer: str, fact: str) -> bool:
    """``fact`` in ``answer`` after normalising both; a figure is not part of a longer one ("3/6/2024"
    is not in "13/6/2024", "8%" not in "98%")."""
    wanted = normalise_for_match(fact)
    if not wanted:
        return True
    before = r"(?<!\d)" if wanted[0].isdigit() else ""
    after = r"(?![\d,.]\d|\d)" if wanted[-1].isdigit() else ""
    return re.search(before + re.escape(wanted) + after, normalise_for_match(answer)) is not None


def evidence_found(evidence: str, passage: str, threshold: float = 0.9) -> bool:
    """Evidence counts as found when the passage contains it, or nearly all of its syllables.

    "Nearly all" is ``threshold`` of the evidence's diacritic-folded syllables, matched in order
    within a stretch of the passage not much longer than the evidence: a chunk cut a word into
    the evidence, or a typo, still counts; the same common syllables ("y tế", "chăm sóc sức
    khỏe") scattered over a 1000-character chunk do not.
    """
    if normalise_for_match(evidence) in normalise_for_match(passage):
        return True
    wanted = [fold_diacritics(s) for s in syllables(evidence)]
    if not wanted:
        return False
    have = [fold_diacritics(s) for s in syllables(passage)]
    present = set(have)
    if sum(s in present for s in wanted) / len(wanted) < threshold:
        return False  # cheap bag-of-syllables bound first: most passages stop here
    return _in_order_share(wanted, have) >= threshold


def _in_order_share(wanted: list[str], have: list[str]) -> float:
    """Share of ``wanted`` matched in order by ``have`` within a window of ~1.5× its length."""
    blocks = [b for b in SequenceMatcher(None, wanted, have, autojunk=False).get_matching_blocks() if b.size]
    max_span = int(1.5 * len(wanted)) + 3
    best = matched = first = 0
    for block in blocks:
        matched += block.size
        while block.b + block.size - blocks[first].b > max_span:
            matched -= blocks[first].size
            first += 1
        best = max(best, matched)
    return best / len(wanted)


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
