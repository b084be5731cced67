"""Claim-check accuracy per verdict and per form (accented / unaccented) from any claims file.

A claims file is JSON lines with ``claim`` and ``label`` (or ``verdict``): ``supported``,
``contradicted`` or ``not_found``; ``claim_nodiac`` optionally gives the unaccented form (else the
claim is folded). A claim written without accents counts in the unaccented form only.

``hoidap eval-claims --claims data/eval/claims_blind.jsonl --out reports/claims_blind`` writes
``metrics.json`` (flat dict of named floats), ``misses.json`` and ``report.md`` rendered from the
metrics.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from hoidap.vntext import fold_diacritics, is_unaccented

VERDICTS = ("supported", "contradicted", "not_found")
FORMS = ("accented", "unaccented")


class ClaimsFileError(ValueError):
    """A claims file that cannot be read; the message is Vietnamese and says what to fix."""


def load_claim_rows(path: Path) -> list[dict]:
    if not path.exists():
        raise ClaimsFileError(f"Không tìm thấy tệp nhận định {path}.")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ClaimsFileError(f"Dòng {n} của {path} không phải JSON hợp lệ: {error.msg}.") from error
        label = row.get("label") or row.get("verdict")
        if not isinstance(row.get("claim"), str) or label not in VERDICTS:
            raise ClaimsFileError(
                f"Dòng {n} của {path} cần có 'claim' và 'label' (supported, contradicted, not_found)."
            )
        rows.append({**row, "label": label})
    if not rows:
        raise ClaimsFileError(f"Tệp {path} không có nhận định nào.")
    return rows


def forms_of(row: dict) -> dict[str, str]:
    """The claim as checked in each form it has."""
    forms = {}
    if not is_unaccented(row["claim"]):
        forms["accented"] = row["claim"]
    forms["unaccented"] = row.get("claim_nodiac") or fold_diacritics(row["claim"])
    return forms


def evaluate_claim_file(
    check: Callable[[str], object], rows: list[dict], progress: Callable[[int], None] | None = None
) -> tuple[dict[str, float], list[dict]]:
    """(metrics, misses). ``check(claim)`` returns an object with ``verdict`` and ``reason``.

    Metrics: ``accuracy_<form>_<verdict>``, ``n_<form>_<verdict>``, ``accuracy_<form>``, ``accuracy``.
    """
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    misses = []
    for i, row in enumerate(rows):
        for form, claim in forms_of(row).items():
            result = check(claim)
            verdict = getattr(result, "verdict", None)
            correct = verdict == row["label"]
            hits[(form, row["label"])].append(correct)
            if not correct:
                misses.append(
                    {"claim": claim, "form": form, "label": row["label"], "verdict": verdict,
                     "reason": getattr(result, "reason", "")}
                )
        if progress:
            progress(i + 1)
    metrics: dict[str, float] = {}
    for form in FORMS:
        for verdict in VERDICTS:
            outcomes = hits.get((form, verdict), [])
            metrics[f"n_{form}_{verdict}"] = float(len(outcomes))
            if outcomes:
                metrics[f"accuracy_{form}_{verdict}"] = round(sum(outcomes) / len(outcomes), 4)
        in_form = [o for (f, _), outcomes in hits.items() if f == form for o in outcomes]
        if in_form:
            metrics[f"accuracy_{form}"] = round(sum(in_form) / len(in_form), 4)
    everything = [o for outcomes in hits.values() for o in outcomes]
    metrics["accuracy"] = round(sum(everything) / len(everything), 4) if everything else 0.0
    return metrics, misses


def render_markdown(metrics: dict[str, float], title: str = "Claim checking") -> str:
    lines = [f"# {title}", "", "| verdict | accented | unaccented |", "|---|---:|---:|"]
    for verdict in VERDICTS:
        cells = []
        for form in FORMS:
            n = metrics.get(f"n_{form}_{verdict}", 0.0)
            value = metrics.get(f"accuracy_{form}_{verdict}")
            cells.append(f"{value:.2f} ({n:.0f})" if value is not None else "—")
        lines.append(f"| {verdict} | {cells[0]} | {cells[1]} |")
    overall = [metrics.get(f"accuracy_{form}") for form in FORMS]
    lines.append(
        "| all | " + " | ".join(f"{v:.2f}" if v is not None else "—" for v in overall) + " |"
    )
    return "\n".join(lines) + "\n"


def write_report(out: Path, metrics: dict[str, float], misses: list[dict], title: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out / "misses.json").write_text(json.dumps(misses, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(render_markdown(metrics, title), encoding="utf-8")


def below_floor(metrics: dict[str, float], floor: float) -> list[str]:
    """Names of the per-verdict, per-form accuracies under ``floor`` (for CI gates)."""
    return [
        f"{key}={value:.3f}"
        for key, value in metrics.items()
        if key.startswith("accuracy_") and key.count("_") >= 2 and value < floor
    ]
