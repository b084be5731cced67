"""The report and plots are rendered from a run's files; checked on a small synthetic run."""

from __future__ import annotations

from pathlib import Path

from hoidap.eval.harness import EvalResult, RunInfo, SystemInfo
from hoidap.eval.metrics import aggregate
from hoidap.eval.outputs import read_results, write_results
from hoidap.eval.plots import write_plots
from hoidap.eval.records import CitationDigest, QuestionRecord, QuestionScore
from hoidap.eval.report import render_report, worst_questions


def rec(system: str, variant: str, qid: str, *, recall: float, answerable: bool = True, refused: bool = False,
        question: str = "Hỏi?", latency: float = 100.0) -> QuestionRecord:
    score = QuestionScore(
        refused=refused,
        key_fact_recall=recall if answerable else None,
        missing_facts=[] if recall == 1.0 or not answerable else ["98%"],
        token_f1=recall if answerable else None,
        evidence_rank=1 if recall else None,
        evidence_at_1=bool(recall) if answerable else None,
        evidence_at_5=bool(recall) if answerable else None,
        citations=1,
        citations_verbatim=1,
    )
    return QuestionRecord(
        system=system, variant=variant, id=qid, type="number" if answerable else "unanswerable", answerable=answerable,
        question=question, answer="Đạt 98% [1]." if recall else "Không rõ.", answered=not refused,
        citations=[CitationDigest(n=1, source="a.txt", section="II. MỤC TIÊU", quote="độ bao phủ đạt 98% trở lên")],
        latency_ms=latency, score=score,
    )


def synthetic_result() -> EvalResult:
    records = []
    for variant in ("accented", "unaccented"):
        records += [
            rec("hoidap", variant, "q1", recall=1.0),
            rec("hoidap", variant, "q2", recall=0.0, question="Tỷ lệ | bao phủ?"),
            rec("hoidap", variant, "q3", recall=1.0, answerable=False, refused=True),
            rec("bm25", variant, "q1", recall=1.0, latency=1.0),
            rec("bm25", variant, "q2", recall=0.0, latency=1.0),
            rec("bm25", variant, "q3", recall=1.0, answerable=False, latency=1.0),
        ]
    run = RunInfo(
        gold="mini.jsonl", corpus="corpus", mode="in-process", top_k=10, questions=3, started_at="2026-01-01T00:00:00",
        systems=[SystemInfo(name="hoidap", label="hoidap"), SystemInfo(name="bm25", label="BM25 | LangChain")],
    )
    return EvalResult(metrics=aggregate(records), run=run, records=records)


def test_headline_puts_hoidap_beside_each_baseline_with_its_lead():
    report = render_report(synthetic_result())
    assert "| correct outcome | accented | 0.667 | 0.333 | +0.333 |" in report
    assert "| unanswerable refused | unaccented | 1.000 | 0.000 | +1.000 |" in report
    assert "| latency p50 ms ↓ | accented | 100 | 1.0 | ×100.0 |" in report
    assert "BM25 \\| LangChain" in report  # table cells are escaped


def test_report_has_per_variant_and_per_type_tables():
    report = render_report(synthetic_result())
    assert "### accented" in report and "### unaccented" in report
    assert "| `correct` |" in report or "| correct outcome | `correct` |" in report
    assert "| number | 2 |" in report and "| unanswerable | 1 |" in report


def test_worst_questions_show_what_was_retrieved():
    result = synthetic_result()
    worst = worst_questions(result.records)
    assert [group[0].id for group in worst] == ["q2"]  # q1 right, q3 refused as it should be
    report = render_report(result, gold_answers={"q2": "Đạt 98% trở lên."})
    section = report.split("worst questions")[1]
    assert "### q2 (number)" in section
    assert "Gold answer: Đạt 98% trở lên." in section
    assert "missing “98%”" in section
    assert "[1] a.txt › II. MỤC TIÊU: “độ bao phủ đạt 98% trở lên”" in section
    assert "Tỷ lệ \\| bao phủ?" in section


def test_results_round_trip_and_plots_are_pngs(tmp_path: Path):
    result = synthetic_result()
    write_results(result, tmp_path)
    again = read_results(tmp_path)
    assert again.metrics == result.metrics and again.records == result.records and again.run == result.run
    plots = write_plots(again.metrics, ["hoidap", "bm25"], tmp_path)
    assert [p.name for p in plots] == ["systems.png", "by_type.png", "latency.png"]
    for plot in plots:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 5000
    report = render_report(again, [p.name for p in plots])
    assert "![systems.png](systems.png)" in report


def test_lead_is_positive_when_hoidap_is_better_whichever_way_the_metric_points():
    from hoidap.eval.report import fmt_lead

    assert fmt_lead("correct", 0.8, 0.4) == "+0.400"
    assert fmt_lead("answerable_refused", 0.02, 0.0) == "-0.020"  # hoidap refuses more: behind
    assert fmt_lead("latency_p50_ms", 100.0, 50.0) == "×2.0"
    assert fmt_lead("correct", None, 0.4) == "—"
