"""``hoidap eval --api``: real HTTP to a stand-in server on 127.0.0.1 that follows the contract."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoidap.cli import app
from hoidap.eval.corpus import load_corpus
from hoidap.eval.harness import EvalOptions, run_eval
from hoidap.eval.systems import ApiHoidap, ApiUnavailable
from hoidap.vntext import fold_diacritics
from tests.eval.standin_api import StandinApi

REFUSAL = "Các văn bản hiện có không đề cập đến nội dung này."


def contract_answer(answer: str, answerable: bool, quote: str, text: str, source: str = "plan.txt") -> dict:
    citation = {
        "n": 1, "doc_id": source.removesuffix(".txt"), "source": source, "title": "Kế hoạch", "doc_number": None,
        "issued": None, "section": "I. MỤC TIÊU", "quote": quote, "text": text, "score": 0.8,
    }
    return {"answer": answer, "answerable": answerable, "citations": [citation], "conversation_id": None, "answer_id": "a1"}


def mini_responder(corpus: Path):
    """Right about the vaccination target (m1), refuses everything else."""
    plan = load_corpus(corpus)["plan.txt"]
    sentence = "Đến hết năm 2025, tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt 95% trở lên."
    assert sentence in plan

    def respond(body: dict) -> tuple[int, dict]:
        question = body["question"]
        if not question.strip():
            return 422, {"error": {"code": "question_empty", "message": "Câu hỏi đang trống."}}
        if "tiem chung day du" in fold_diacritics(question).lower():
            return 200, contract_answer(sentence[:-1] + " [1].", True, sentence, plan)
        return 200, contract_answer(REFUSAL, False, sentence, plan)

    return respond


def test_answer_posts_the_contract_request_and_parses_the_reply(mini_corpus: Path):
    with StandinApi(mini_responder(mini_corpus)).running() as api:
        client = ApiHoidap(api.url)
        answer = client.answer("Tỷ lệ tiêm chủng đầy đủ?", top_k=7)
        client.close()
    assert api.requests == [{"question": "Tỷ lệ tiêm chủng đầy đủ?", "top_k": 7}]
    assert answer.error is None and answer.response is not None
    assert answer.response.answerable and answer.response.citations[0].source == "plan.txt"
    assert answer.latency_ms > 0


def test_error_bodies_and_broken_replies_become_recorded_errors():
    def respond(body: dict) -> tuple[int, dict]:
        if body["question"] == "trống":
            return 422, {"error": {"code": "question_empty", "message": "Câu hỏi đang trống."}}
        if body["question"] == "hỏng":
            return 200, {"answer": "thiếu các trường khác"}
        return 500, {"detail": "not the contract's error shape"}

    with StandinApi(respond).running() as api:
        client = ApiHoidap(api.url)
        assert client.answer("trống", 5).error == "HTTP 422 question_empty: Câu hỏi đang trống."
        assert "không đúng hợp đồng" in (client.answer("hỏng", 5).error or "")
        assert client.answer("khác", 5).error == "HTTP 500"
        client.close()


def test_check_ready_fails_clearly_when_not_ready_or_not_there():
    with StandinApi(lambda body: (200, {}), healthy=False).running() as api:
        with pytest.raises(ApiUnavailable, match="503"):
            ApiHoidap(api.url).check_ready()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ApiUnavailable, match="hoidap serve"):
        ApiHoidap(f"http://127.0.0.1:{port}", timeout_s=2).check_ready()


def test_run_eval_against_the_api_asks_both_forms_and_scores_them(mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    with StandinApi(mini_responder(mini_corpus)).running() as api:
        options = EvalOptions(gold=mini_gold, corpus=mini_corpus, data_dir=tmp_path / "data", api=api.url)
        result = run_eval(options)
    asked = [body["question"] for body in api.requests]
    assert len(asked) == 1 + 2 * 4  # one warm-up, then every question in both forms
    assert "Ai chu tri lap danh sach tre trong do tuoi tiem chung?" in asked
    assert all(body["top_k"] == 10 for body in api.requests)
    metrics = result.metrics
    assert result.run.mode == "api" and result.run.embedder is None  # nothing loaded locally
    for variant in ("accented", "unaccented"):
        assert metrics[f"hoidap.{variant}.all_key_facts"] == pytest.approx(1 / 3)
        assert metrics[f"hoidap.{variant}.unanswerable_refused"] == 1.0
        assert metrics[f"hoidap.{variant}.answerable_refused"] == pytest.approx(2 / 3)
        assert metrics[f"hoidap.{variant}.citation_verbatim"] == 1.0
        assert metrics[f"hoidap.{variant}.citation_support"] == 1.0
        assert metrics[f"hoidap.{variant}.correct"] == 0.5


def invoke_eval(api_url: str, gold: Path, corpus: Path, out: Path, *extra: str):
    args = ["eval", "--api", api_url, "--gold", str(gold), "--corpus", str(corpus), "--out", str(out), *extra]
    return CliRunner().invoke(app, args)


def test_cli_writes_the_report_and_exits_by_thresholds(mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    with StandinApi(mini_responder(mini_corpus)).running() as api:
        out = tmp_path / "report"
        passing = invoke_eval(api.url, mini_gold, mini_corpus, out, "--min", "hoidap.accented.correct=0.5",
                              "--max", "hoidap.unaccented.answerable_refused=0.7")
        assert passing.exit_code == 0, passing.output
        for name in ("metrics.json", "run.json", "questions.jsonl", "report.md", "systems.png"):
            assert (out / name).is_file(), name
        assert json.loads((out / "metrics.json").read_text())["hoidap.accented.correct"] == 0.5

        failing = invoke_eval(api.url, mini_gold, mini_corpus, tmp_path / "r2", "--min", "hoidap.accented.correct=0.51")
        assert failing.exit_code == 1
        assert "hoidap.accented.correct = 0.5" in failing.output

        typo = invoke_eval(api.url, mini_gold, mini_corpus, tmp_path / "r3", "--min", "hoidap.accent.correct=0.1")
        assert typo.exit_code == 1 and "hoidap.accented.correct" in typo.output

        malformed = invoke_eval(api.url, mini_gold, mini_corpus, tmp_path / "r4", "--min", "hoidap.accented.correct")
        assert malformed.exit_code == 2


def test_cli_says_what_to_do_when_the_api_is_down(mini_corpus: Path, mini_gold: Path, tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = invoke_eval(f"http://127.0.0.1:{port}", mini_gold, mini_corpus, tmp_path / "out")
    assert result.exit_code == 2
    assert "hoidap serve" in result.output
