"""Scoring rules on tiny hand-made answers, each chosen so that a wrong rule gives a wrong number."""

from __future__ import annotations

import pytest

from hoidap.eval.gold import GoldQuestion
from hoidap.eval.metrics import aggregate, marker_segments, markers_supported, score_question
from hoidap.eval.records import QuestionRecord, SystemAnswer
from hoidap.qa.schemas import AskResponse, Citation

DOCS = {
    "a.txt": "I. MỤC TIÊU\nĐến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên.\nTuổi thọ trung bình đạt 75,5 tuổi.",
    "b.txt": "Trạm Y tế phường chủ trì triển khai tiêm chủng. Hội Phụ nữ phối hợp vận động.",
}
COVERAGE = "Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên."


def citation(n: int, source: str, text: str, quote: str | None = None) -> Citation:
    return Citation(n=n, doc_id=source, source=source, section="", quote=quote or text, text=text, score=0.5)


def answer(text: str, citations: list[Citation], answerable: bool = True) -> SystemAnswer:
    response = AskResponse(answer=text, answerable=answerable, citations=citations, answer_id="x")
    return SystemAnswer(response=response, latency_ms=10.0)


def gold(**fields) -> GoldQuestion:
    base = dict(
        id="q1",
        question="Đến 2030 bao phủ BHYT đạt bao nhiêu?",
        question_nodiac="Den 2030 bao phu BHYT dat bao nhieu?",
        answerable=True,
        docs=["a.txt"],
        evidence="độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên",
        answer="Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên.",
        key_facts=["98%", "2030"],
        type="number",
    )
    return GoldQuestion(**{**base, **fields})


def test_evidence_rank_and_doc_rank_follow_citation_order():
    cites = [citation(1, "b.txt", DOCS["b.txt"]), citation(2, "a.txt", COVERAGE)]
    score = score_question(gold(), answer("Đạt 98 % vào năm 2030 [2].", cites), DOCS, inline_citations=True)
    assert score.evidence_rank == 2 and score.evidence_at_1 is False and score.evidence_at_5 is True
    assert score.doc_rank == 2 and score.doc_at_1 is False and score.doc_at_5 is True


def test_evidence_past_rank_five_counts_for_mrr_only():
    filler = [citation(n, "b.txt", DOCS["b.txt"]) for n in range(1, 7)]
    cites = [*filler, citation(7, "a.txt", COVERAGE)]
    score = score_question(gold(), answer("x [1].", cites), DOCS, inline_citations=True)
    assert score.evidence_rank == 7
    assert score.evidence_at_5 is False
    records = [record(score)]
    assert aggregate(records)["hoidap.accented.mrr_at_10"] == pytest.approx(1 / 7)


def test_cross_document_question_needs_every_evidence_string_for_all_at_5():
    question = gold(docs=["a.txt", "b.txt"], evidence=["đạt 98% trở lên", "Trạm Y tế phường chủ trì"], type="cross_doc")
    only_a = score_question(question, answer("x [1].", [citation(1, "a.txt", COVERAGE)]), DOCS, inline_citations=True)
    assert only_a.evidence_at_1 and only_a.evidence_at_5
    assert only_a.evidence_all_at_5 is False and only_a.doc_all_at_5 is False
    both = [citation(1, "a.txt", COVERAGE), citation(2, "b.txt", DOCS["b.txt"])]
    full = score_question(question, answer("x [1].", both), DOCS, inline_citations=True)
    assert full.evidence_all_at_5 and full.doc_all_at_5


def test_key_facts_ignore_spacing_before_percent_and_markers():
    cites = [citation(1, "a.txt", COVERAGE)]
    score = score_question(gold(), answer("Năm 2030 đạt 98 % [1].", cites), DOCS, inline_citations=True)
    assert score.key_fact_recall == 1.0 and score.all_key_facts
    partial = score_question(gold(), answer("Đạt 98% [1].", cites), DOCS, inline_citations=True)
    assert partial.key_fact_recall == 0.5 and partial.missing_facts == ["2030"]


def test_a_refusal_scores_zero_on_answers_even_if_its_text_mentions_the_facts():
    cites = [citation(1, "a.txt", COVERAGE)]
    score = score_question(gold(), answer("Không có thông tin về 98% năm 2030.", cites, answerable=False), DOCS, inline_citations=True)
    assert score.refused and score.key_fact_recall == 0.0 and score.token_f1 == 0.0
    assert score.evidence_at_1  # retrieval is still scored on what was cited


def test_verbatim_quotes_are_counted_against_the_cited_document():
    cites = [
        citation(1, "a.txt", COVERAGE),
        citation(2, "a.txt", COVERAGE, quote="đạt 99% trở lên"),  # not in the document
        citation(3, "missing.txt", COVERAGE),  # unknown document
    ]
    score = score_question(gold(), answer("x [1].", cites), DOCS, inline_citations=True)
    assert (score.citations, score.citations_verbatim) == (3, 1)


def test_marker_segments_group_adjacent_markers():
    assert marker_segments("Đạt 98% [1]. Tuổi thọ 75,5 [2][3].") == [("Đạt 98%", [1]), (". Tuổi thọ 75,5", [2, 3])]
    assert marker_segments("Không có dấu") == []


def test_markers_must_point_to_an_existing_supporting_citation():
    cites = [citation(1, "a.txt", COVERAGE), citation(2, "b.txt", DOCS["b.txt"])]
    assert markers_supported("Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên [1].", cites)
    assert not markers_supported("Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên [2].", cites)
    assert not markers_supported("Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên [3].", cites)
    assert not markers_supported("Đến năm 2030 độ bao phủ đạt 98% trở lên.", cites)  # no marker at all
    # A metadata answer restating a short quote is supported by it.
    short = [citation(1, "a.txt", DOCS["a.txt"], quote="ngày 03 tháng 6 năm 2024")]
    assert markers_supported("Văn bản được ban hành ngày 03 tháng 6 năm 2024 [1].", short)


def test_systems_without_markers_are_not_scored_on_marker_support():
    cites = [citation(1, "a.txt", COVERAGE)]
    score = score_question(gold(), answer(COVERAGE, cites), DOCS, inline_citations=False)
    assert score.markers_supported is None


def test_an_error_is_scored_as_wrong():
    failed = SystemAnswer(latency_ms=5.0, error="HTTP 500")
    score = score_question(gold(), failed, DOCS, inline_citations=True)
    assert score.error and score.key_fact_recall == 0.0 and score.evidence_at_5 is False


def record(score, *, answerable: bool = True, type_: str = "number", system: str = "hoidap", variant: str = "accented",
           latency: float = 10.0, qid: str = "q1") -> QuestionRecord:
    return QuestionRecord(
        system=system, variant=variant, id=qid, type=type_, answerable=answerable, question="?", answer="",
        answered=not score.refused, latency_ms=latency, score=score,
    )


def test_aggregate_gives_flat_named_metrics_per_system_variant_and_type():
    cites = [citation(1, "a.txt", COVERAGE)]
    right = score_question(gold(), answer("Năm 2030 đạt 98% [1].", cites), DOCS, inline_citations=True)
    wrong = score_question(gold(), answer("Chưa rõ [1].", [citation(1, "b.txt", DOCS["b.txt"])]), DOCS, inline_citations=True)
    unanswerable = gold(answerable=False, docs=[], evidence="", answer="", key_facts=[], type="unanswerable")
    refused = score_question(unanswerable, answer("Không có.", [], answerable=False), DOCS, inline_citations=True)
    answered = score_question(unanswerable, answer("Có [1].", cites), DOCS, inline_citations=True)
    records = [
        record(right, latency=10), record(wrong, latency=30, qid="q2"),
        record(refused, answerable=False, type_="unanswerable", latency=20, qid="q3"),
        record(answered, answerable=False, type_="unanswerable", latency=40, qid="q4"),
        record(right, variant="unaccented"),
    ]
    metrics = aggregate(records)
    assert metrics["hoidap.accented.n_questions"] == 4
    assert metrics["hoidap.accented.all_key_facts"] == 0.5
    assert metrics["hoidap.accented.unanswerable_refused"] == 0.5
    assert metrics["hoidap.accented.correct"] == 0.5  # q1 right, q3 refused; q2 wrong, q4 answered
    assert metrics["hoidap.accented.evidence_at_1"] == 0.5
    assert metrics["hoidap.accented.latency_p50_ms"] == 25.0
    assert metrics["hoidap.accented.by_type.unanswerable.correct"] == 0.5
    assert "hoidap.accented.by_type.unanswerable.all_key_facts" not in metrics  # no answerable question there
    assert metrics["hoidap.unaccented.correct"] == 1.0
    assert all(isinstance(v, float) for v in metrics.values())
