"""Claim-check accuracy per class on a labelled set (data/eval/claims.jsonl), as one flat dict of named floats.

``python -m hoidap.propaganda.evaluate --out reports/claims`` writes ``metrics.json`` and a
Markdown table rendered from it, checking against the bundled corpus (parsed, no index needed).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from hoidap.propaganda.claims import ClaimChecker

VERDICTS = ("supported", "contradicted", "not_found")
DEFAULT_CLAIMS = Path(__file__).resolve().parents[2] / "data" / "eval" / "claims.jsonl"


def load_claims(path: Path = DEFAULT_CLAIMS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_claims(checker: ClaimChecker, rows: list[dict]) -> tuple[dict[str, float], list[dict]]:
    """(metrics, misses). Metrics: ``accuracy_<verdict>``, ``n_<verdict>``, ``accuracy``, ``accuracy_held_out``.

    ``held_out`` rows were written after the first rules, in two rounds of ten; their first-try
    accuracy was 7/10 and 8/10, and the general bugs they exposed were fixed (not the rows).
    """
    hits: dict[str, list[bool]] = defaultdict(list)
    held_out: list[bool] = []
    misses = []
    for row in rows:
        result = checker.check(row["claim"])
        correct = result.verdict == row["label"]
        hits[row["label"]].append(correct)
        if row.get("held_out"):
            held_out.append(correct)
        if not correct:
            misses.append({**row, "verdict": result.verdict, "reason": result.reason})
    metrics: dict[str, float] = {}
    for verdict in VERDICTS:
        outcomes = hits.get(verdict, [])
        metrics[f"accuracy_{verdict}"] = round(sum(outcomes) / len(outcomes), 4) if outcomes else 0.0
        metrics[f"n_{verdict}"] = float(len(outcomes))
    everything = [o for outcomes in hits.values() for o in outcomes]
    metrics["accuracy"] = round(sum(everything) / len(everything), 4) if everything else 0.0
    metrics["accuracy_held_out"] = round(sum(held_out) / len(held_out), 4) if held_out else 0.0
    metrics["n_held_out"] = float(len(held_out))
    return metrics, misses


def render_markdown(metrics: dict[str, float]) -> str:
    lines = ["| verdict | claims | accuracy |", "|---|---:|---:|"]
    for verdict in VERDICTS:
        lines.append(f"| {verdict} | {metrics[f'n_{verdict}']:.0f} | {metrics[f'accuracy_{verdict}']:.2f} |")
    lines.append(f"| all | {sum(metrics[f'n_{v}'] for v in VERDICTS):.0f} | {metrics['accuracy']:.2f} |")
    lines.append(
        f"| added after the first rules were written | {metrics['n_held_out']:.0f} | {metrics['accuracy_held_out']:.2f} |"
    )
    return "\n".join(lines) + "\n"


def main() -> None:  # pragma: no cover - a thin command
    from hoidap.ingest.loaders import iter_corpus_files, load_text
    from hoidap.ingest.pipeline import build_document, content_hash

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CLAIMS.parents[1] / "corpus")
    parser.add_argument("--out", type=Path, default=Path("reports/claims"))
    args = parser.parse_args()
    documents = {}
    for path in iter_corpus_files(args.corpus):
        document = build_document(path.name, load_text(path), content_hash(path.read_bytes()))
        documents[document.doc_id] = document
    metrics, misses = evaluate_claims(ClaimChecker(documents), load_claims(args.claims))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (args.out / "misses.json").write_text(
        json.dumps(misses, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    note = (
        "\nThe set was written alongside the rules, so these figures are optimistic. The 20 rows marked"
        " `held_out` were written in two later rounds of ten, before looking at the checker's answers:"
        " 7/10 and 8/10 were right on the first try; the bugs they exposed (a year read as a figure,"
        " a claim's date or year attributed to every number in it, a number check ignoring the rest"
        " of the claim) were fixed in the rules, not by editing the rows.\n"
    )
    (args.out / "report.md").write_text(
        "# Claim checking\n\n" + render_markdown(metrics) + note, encoding="utf-8"
    )
    print(render_markdown(metrics), end="")


if __name__ == "__main__":  # pragma: no cover
    main()
