"""The files of a run, written once and read back by the report and the plots.

``metrics.json`` (the flat dict of named floats), ``run.json`` (what was run, when, how long) and
``questions.jsonl`` (one scored record per system, variant and question). Everything a person
reads (``report.md``, the PNGs) is rendered from these files, never from the live run, so a
report can be re-rendered from an old run.
"""

from __future__ import annotations

import json
from pathlib import Path

from hoidap.eval.harness import EvalResult, RunInfo
from hoidap.eval.records import QuestionRecord

METRICS_FILE = "metrics.json"
RUN_FILE = "run.json"
QUESTIONS_FILE = "questions.jsonl"


def write_results(result: EvalResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / METRICS_FILE).write_text(json.dumps(result.metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / RUN_FILE).write_text(result.run.model_dump_json(indent=2) + "\n", encoding="utf-8")
    with (out / QUESTIONS_FILE).open("w", encoding="utf-8") as handle:
        for record in result.records:
            handle.write(record.model_dump_json() + "\n")


def read_results(out: Path) -> EvalResult:
    metrics = json.loads((out / METRICS_FILE).read_text(encoding="utf-8"))
    run = RunInfo.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    records = [
        QuestionRecord.model_validate_json(line)
        for line in (out / QUESTIONS_FILE).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return EvalResult(metrics=metrics, run=run, records=records)
