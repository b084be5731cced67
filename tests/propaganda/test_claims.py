"""Claim checking on the ward claim sets: accuracy per verdict in both forms, and verdicts that
quote the passage and say what the documents state instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.eval.claims import evaluate_claim_file, load_claim_rows
from hoidap.propaganda.claims import ClaimChecker

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval"
# The dev set (62 claims) was used to shape the checker; the floors leave room for one miss per
# class as it changes. The blind set is measured only; its floor sits under its first measurement.
FLOORS = {"claims.jsonl": 0.9, "claims_blind.jsonl": 0.8}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_claim_set_accuracy_per_verdict_and_form(checker: ClaimChecker, name: str) -> None:
    rows = load_claim_rows(EVAL / name)
    metrics, misses = evaluate_claim_file(checker.check, rows)
    print(name, metrics)
    low = {k: v for k, v in metrics.items() if k.startswith("accuracy_") and k.count("_") >= 2 and v < FLOORS[name]}
    assert not low, (low, misses)


def test_contradiction_says_what_the_documents_state(checker: ClaimChecker) -> None:
    result = checker.check("Đến năm 2030 tuổi thọ trung bình đạt trên 78 tuổi")
    assert result.verdict == "contradicted" and result.mismatches == ["value"]
    assert result.stated and "75,5" in result.stated
    assert "75,5" in result.reason and "78" in result.reason
    assert result.passages and "75,5" in result.passages[0].quote


def test_unaccented_claim_gets_the_same_verdict(checker: ClaimChecker) -> None:
    accented = checker.check("Chỉ thị số 25-CT/TW là của Bộ Chính trị")
    unaccented = checker.check("Chi thi so 25-CT/TW la cua Bo Chinh tri")
    assert accented.verdict == unaccented.verdict == "contradicted"
    assert "actor" in accented.mismatches and "Ban Bí thư" in (accented.stated or "")


def test_passages_are_verbatim(checker: ClaimChecker) -> None:
    for claim in (
        "Nghị quyết 72-NQ/TW là của Ban Bí thư",
        "Đến năm 2030 tuổi thọ trung bình đạt trên 78 tuổi",
        "Tỷ lệ tiêm chủng mở rộng đạt trên 95%",
        "Giá vé xe buýt giảm một nửa từ năm 2026",
    ):
        for passage in checker.check(claim).passages:
            assert checker.documents[passage.doc_id].text[passage.start : passage.end] == passage.quote


def test_not_found_shows_the_nearest_passages(checker: ClaimChecker) -> None:
    result = checker.check("Phường sẽ xây dựng sân bay quốc tế vào năm 2027")
    assert result.verdict == "not_found"
    assert "không có đoạn nào" in result.reason


def test_a_vague_match_is_never_a_contradiction(checker: ClaimChecker) -> None:
    # same topic word and a figure, but nothing the documents set for that year or measure
    for claim in (
        "Đến năm 2030 tỷ lệ tiêm vắc-xin HPV cho trẻ em gái đạt 90%",
        "Đến năm 2035 tuổi thọ trung bình đạt trên 77 tuổi",
        "Y tế cơ sở có 50% nhân lực",
    ):
        assert checker.check(claim).verdict != "contradicted", claim
