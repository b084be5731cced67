"""The Markdown report, rendered from a run's files (metrics, run info, scored questions).

Sections: the headline (hoidap beside each baseline, with hoidap's lead), every metric per
variant, per question type, the worst questions with what was retrieved, and the plots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from hoidap.eval.harness import EvalResult
from hoidap.eval.records import VARIANTS, QuestionRecord

PRIMARY = "hoidap"
HEADLINE = [
    "correct",
    "all_key_facts",
    "key_fact_recall",
    "token_f1",
    "evidence_at_1",
    "evidence_at_5",
    "mrr_at_10",
    "doc_at_1",
    "unanswerable_refused",
    "answerable_refused",
    "latency_p50_ms",
]
DETAIL = [
    "correct",
    "evidence_at_1",
    "evidence_at_5",
    "evidence_all_at_5",
    "mrr_at_10",
    "doc_at_1",
    "doc_at_5",
    "doc_all_at_5",
    "doc_mrr_at_10",
    "citation_verbatim",
    "citation_support",
    "all_key_facts",
    "key_fact_recall",
    "token_f1",
    "unanswerable_refused",
    "answerable_refused",
    "error_rate",
    "latency_p50_ms",
    "latency_p95_ms",
]
BY_TYPE = ["n_questions", "correct", "all_key_facts", "token_f1", "evidence_at_1", "evidence_at_5", "answerable_refused"]
LABELS = {
    "correct": "correct outcome",
    "all_key_facts": "all key facts",
    "key_fact_recall": "key-fact recall",
    "token_f1": "token F1",
    "evidence_at_1": "evidence @1",
    "evidence_at_5": "evidence @5",
    "evidence_all_at_5": "all evidence @5",
    "mrr_at_10": "MRR@10",
    "doc_at_1": "gold doc @1",
    "doc_at_5": "gold doc @5",
    "doc_all_at_5": "all gold docs @5",
    "doc_mrr_at_10": "doc MRR@10",
    "citation_verbatim": "quotes verbatim",
    "citation_support": "markers supported",
    "unanswerable_refused": "unanswerable refused",
    "answerable_refused": "answerable refused ↓",
    "error_rate": "errors ↓",
    "latency_p50_ms": "latency p50 ms ↓",
    "latency_p95_ms": "latency p95 ms ↓",
    "n_questions": "n",
}
WORST = 10
SNIPPET = 160


def fmt(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name.endswith("_ms"):
        return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
    if name.startswith("n_"):
        return f"{value:.0f}"
    return f"{value:.3f}"


LOWER_IS_BETTER = {"answerable_refused", "error_rate"}


def fmt_lead(name: str, ours: float | None, theirs: float | None) -> str:
    """How far hoidap is ahead: positive = better, whichever way the metric points; latency as a ratio."""
    if ours is None or theirs is None:
        return "—"
    if name.endswith("_ms"):
        return f"×{ours / theirs:.1f}" if theirs > 0 else "—"
    lead = theirs - ours if name in LOWER_IS_BETTER else ours - theirs
    return f"{lead:+.3f}"


def _systems(result: EvalResult) -> list[str]:
    names = [s.name for s in result.run.systems]
    return names or sorted({r.system for r in result.records})


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _snippet(text: str, limit: int = SNIPPET) -> str:
    text = _cell(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_header(result: EvalResult) -> list[str]:
    run = result.run
    lines = [f"# hoidap eval — {run.gold}", ""]
    mode = f"API {run.api}" if run.mode == "api" else "in-process"
    git = f" · git `{run.git}`" if run.git else ""
    limit = f" (first {run.limit})" if run.limit else ""
    lines.append(
        f"{run.started_at} UTC{git} · {run.questions} questions{limit} × 2 forms (accented, unaccented) · "
        f"{mode} · top_k {run.top_k} · {run.seconds:.0f} s in all (setup {run.setup_seconds:.0f} s) · {run.machine}"
    )
    if run.load_average is not None:
        # Latency is wall-clock: on a shared 2-core machine another busy process shows up here.
        lines[-1] += f" · load average {run.load_average:.1f} at start"
    lines.append("")
    details = [f"corpus `{run.corpus}`"]
    if run.embedder:
        details.append(f"embedder `{run.embedder}` ({run.embedded_passages} passages embedded, the rest cached)")
    if run.index_chunks is not None:
        details.append(f"hoidap index {run.index_chunks} chunks")
    if run.baseline_chunks is not None:
        details.append(f"tutorial split {run.baseline_chunks} chunks")
    lines.append(" · ".join(details))
    lines.append("")
    lines.append("| system | what it is | run time |")
    lines.append("|---|---|---|")
    for system in run.systems:
        lines.append(f"| `{system.name}` | {_cell(system.label)} | {system.seconds:.0f} s |")
    lines.append("")
    return lines


def render_headline(metrics: Mapping[str, float], systems: list[str]) -> list[str]:
    others = [s for s in systems if s != PRIMARY]
    head = ["metric", "form", PRIMARY]
    for other in others:
        head += [other, "lead"]
    lines = [
        "## hoidap vs baselines",
        "",
        "Same machine, same run, same questions. *lead*: how far hoidap is ahead of the baseline "
        "(positive = hoidap better, also for ↓ metrics, where lower is better); for latency, how many "
        "times slower hoidap is.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for name in HEADLINE:
        for variant in VARIANTS:
            ours = metrics.get(f"{PRIMARY}.{variant}.{name}")
            row = [LABELS.get(name, name), variant, fmt(name, ours)]
            for other in others:
                theirs = metrics.get(f"{other}.{variant}.{name}")
                row += [fmt(name, theirs), fmt_lead(name, ours, theirs)]
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def render_variant_tables(metrics: Mapping[str, float], systems: list[str]) -> list[str]:
    lines = ["## Every metric, per form of the question", ""]
    for variant in VARIANTS:
        lines += [f"### {variant}", "", "| metric | key | " + " | ".join(systems) + " |", "|" + "---|" * (len(systems) + 2)]
        for name in DETAIL:
            values = [fmt(name, metrics.get(f"{system}.{variant}.{name}")) for system in systems]
            if all(v == "—" for v in values):
                continue
            lines.append(f"| {LABELS.get(name, name)} | `{name}` | " + " | ".join(values) + " |")
        lines.append("")
    return lines


def _types(metrics: Mapping[str, float]) -> list[str]:
    found = {key.split(".")[3] for key in metrics if ".by_type." in key}
    return sorted(found)


def render_by_type(metrics: Mapping[str, float], systems: list[str]) -> list[str]:
    types = _types(metrics)
    if not types:
        return []
    lines = ["## Per question type", "", f"### {PRIMARY}", ""]
    head = ["type"] + [f"{LABELS[n]} ({v[:5]}.)" if n != "n_questions" else "n" for v in VARIANTS for n in BY_TYPE]
    # n is the same for both forms: show it once.
    head = ["type", "n"] + [f"{LABELS[n]} ({v[:5]}.)" for v in VARIANTS for n in BY_TYPE[1:]]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for question_type in types:
        prefix = f"{PRIMARY}.{{variant}}.by_type.{question_type}"
        row = [question_type, fmt("n_questions", metrics.get(prefix.format(variant="accented") + ".n_questions"))]
        for variant in VARIANTS:
            for name in BY_TYPE[1:]:
                row.append(fmt(name, metrics.get(f"{prefix.format(variant=variant)}.{name}")))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "### correct outcome by type, every system", ""]
    head = ["type"] + [f"{s} ({v[:5]}.)" for s in systems for v in VARIANTS]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for question_type in types:
        row = [question_type] + [
            fmt("correct", metrics.get(f"{s}.{v}.by_type.{question_type}.correct")) for s in systems for v in VARIANTS
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def record_quality(record: QuestionRecord) -> float:
    """0 (wrong) … 1 (right) for one answer: how the worst questions are picked."""
    score = record.score
    if score.error:
        return 0.0
    if not record.answerable:
        return 1.0 if score.refused else 0.0
    if score.refused:
        return 0.0
    return 0.7 * (score.key_fact_recall or 0.0) + 0.3 * (score.token_f1 or 0.0)


def worst_questions(records: list[QuestionRecord], system: str = PRIMARY, count: int = WORST) -> list[list[QuestionRecord]]:
    """The ``count`` questions with the lowest mean quality over both forms; each as its records."""
    by_id: dict[str, list[QuestionRecord]] = defaultdict(list)
    for record in records:
        if record.system == system:
            by_id[record.id].append(record)
    ranked = sorted(by_id.values(), key=lambda group: (sum(map(record_quality, group)) / len(group), group[0].id))
    return [group for group in ranked[:count] if sum(map(record_quality, group)) / len(group) < 1.0]


def _outcome(record: QuestionRecord) -> str:
    score = record.score
    if score.error:
        return f"**error**: {_snippet(record.error or '', 200)}"
    parts = ["answered" if record.answered else "**refused**"]
    if record.answerable:
        parts.append(f"evidence rank {score.evidence_rank or '—'}")
        parts.append(f"key facts {score.key_fact_recall or 0:.2f}")
        if score.missing_facts:
            parts.append("missing " + ", ".join(f"“{_cell(f)}”" for f in score.missing_facts))
        parts.append(f"F1 {score.token_f1 or 0:.2f}")
    if score.markers_supported is False:
        parts.append("**a marker without support**")
    parts.append(f"{record.latency_ms:.0f} ms")
    return " · ".join(parts)


def render_worst(records: list[QuestionRecord], gold_answers: Mapping[str, str] | None = None) -> list[str]:
    groups = worst_questions(records)
    lines = [f"## The {len(groups)} worst questions for hoidap (both forms), with what was retrieved", ""]
    if not groups:
        return lines + ["Every question was answered right in both forms.", ""]
    for group in groups:
        first = group[0]
        difficulty = f", {first.difficulty}" if first.difficulty else ""
        quality = sum(map(record_quality, group)) / len(group)
        lines += [f"### {first.id} ({first.type}{difficulty}) — quality {quality:.2f}", ""]
        if gold_answers and gold_answers.get(first.id):
            lines += [f"Gold answer: {_snippet(gold_answers[first.id], 300)}", ""]
        for record in group:
            lines.append(f"- **{record.variant}**: {_cell(record.question)}")
            lines.append(f"  - outcome: {_outcome(record)}")
            if record.answer:
                lines.append(f"  - answer: {_snippet(record.answer, 300)}")
            for citation in record.citations[:3]:
                where = f"{citation.source} › {_cell(citation.section)}" if citation.section else citation.source
                lines.append(f"  - [{citation.n}] {_snippet(where, 110)}: “{_snippet(citation.quote, 140)}”")
        lines.append("")
    return lines


def render_errors(records: list[QuestionRecord]) -> list[str]:
    failed = [r for r in records if r.error]
    if not failed:
        return []
    lines = [f"## Errors ({len(failed)})", ""]
    for record in failed[:20]:
        lines.append(f"- `{record.system}` {record.variant} {record.id}: {_snippet(record.error or '', 200)}")
    return lines + [""]


def render_report(
    result: EvalResult, plots: list[str] | None = None, gold_answers: Mapping[str, str] | None = None
) -> str:
    systems = _systems(result)
    lines = render_header(result)
    lines += render_headline(result.metrics, systems)
    for plot in plots or []:
        lines += [f"![{plot}]({plot})", ""]
    lines += render_variant_tables(result.metrics, systems)
    lines += render_by_type(result.metrics, systems)
    lines += render_worst(result.records, gold_answers)
    lines += render_errors(result.records)
    lines += [
        "## How to read this",
        "",
        "Metric definitions: `hoidap/eval/metrics.py`. Retrieval and answer metrics count answerable "
        "questions only; *correct outcome* counts all (answerable: answered with every key fact; "
        "unanswerable: refused). The baselines answer with their top chunk and never refuse. Every "
        "number is in `metrics.json` under `<system>.<form>.<metric>` (per type: "
        "`<system>.<form>.by_type.<type>.<metric>`), the name `--min`/`--max` take.",
        "",
    ]
    return "\n".join(lines)
