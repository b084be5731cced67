"""Ingest speed and query latency on the sample corpus and on the law collection, in one run.

Usage: python bench/query_scaling.py [--law-corpus ../shared/ext/alqac/corpus]
           [--law-gold ../shared/ext/alqac/dev.jsonl] [--vector-cache DIR] [--limit N]

For each collection: a fresh data directory, a full ``hoidap ingest`` (worker processes as the
CLI uses them: HOIDAP_INGEST_WORKERS / HOIDAP_INGEST_THREADS) timed in chunks/s, then every gold
question asked in process in both forms (accented and without diacritics), answer cache off, one
unscored warm-up first: p50/p95 of the whole ask and of its stages. The target is a law median
within 1.15× of the sample's: retrieval cost should not grow with the collection.

``--vector-cache`` takes passage vectors from an eval vector cache (``<data>/eval/embedding-cache``)
instead of embedding: ingest chunks/s is then not measured for that collection (marked "cached"),
but the queries run on the same index. Figures depend on what else runs on the machine: the load
average is printed and stored with them.

Writes reports/bench/query_scaling.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from hoidap.eval.gold import load_gold
from hoidap.eval.vector_cache import CachedEmbedder
from hoidap.index.embedder import embedder_from_settings, ingest_embedder_from_settings
from hoidap.index.store import IndexStore
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.service import QAService
from hoidap.settings import Settings

REPO = Path(__file__).resolve().parents[1]
STAGES = ("embed", "lexical", "dense", "fusion", "answer")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def measure(
    name: str, corpus: Path, golds: list[tuple[str, Path]], vector_cache: Path | None, limit: int | None
) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="hoidap-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), answer_cache_size=0)
        queries = embedder_from_settings(settings)
        bulk = ingest_embedder_from_settings(settings)
        embedder = bulk if vector_cache is None else CachedEmbedder(queries, vector_cache, passages=bulk)
        ingestor = Ingestor.from_settings(settings, IndexStore(settings.index_root), embedder)
        load_before = load_average()
        started = time.perf_counter()
        report = ingestor.ingest([corpus])
        seconds = time.perf_counter() - started
        close = getattr(bulk, "close", None)
        if close:
            close()
        row: dict = {
            "collection": name,
            "corpus": str(corpus),
            "documents": report.documents,
            "chunks": report.chunks,
            "ingest_seconds": round(seconds, 1),
            "ingest_chunks_per_s": None if vector_cache else round(report.chunks / seconds, 1),
            "ingest_load_average": load_before,
        }

        service = QAService.from_settings(settings, embedder=queries)
        rows = []
        for gold_name, gold in golds:
            rows.append({**row, "questions": gold_name, **ask_all(service, gold, limit)})
        return rows


def ask_all(service: QAService, gold: Path, limit: int | None) -> dict:
    """Every question in both forms, after one unscored warm-up: latency p50/p95 and stage p50s."""
    questions = load_gold(gold)[:limit] if limit else load_gold(gold)
    service.ask(questions[0].question)  # warm-up: first-call costs are not latency
    latencies: list[float] = []
    beyond_embedding: list[float] = []
    stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for form in ("question", "question_nodiac"):
        for question in questions:
            started = time.perf_counter()
            _, trace = service.ask_with_trace(getattr(question, form))
            latencies.append((time.perf_counter() - started) * 1000)
            beyond_embedding.append(latencies[-1] - trace.timings_ms.get("embed", 0.0))
            for stage in STAGES:
                stages[stage].append(trace.timings_ms.get(stage, 0.0))
    return {
        "asks": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        # Everything but the query embedding, whose cost depends on the question's length only.
        "p50_without_embedding_ms": round(statistics.median(beyond_embedding), 1),
        "stage_p50_ms": {stage: round(statistics.median(values), 2) for stage, values in stages.items()},
        "query_load_average": load_average(),
    }


def render(result: dict) -> str:
    lines = [
        "# Query latency and ingest speed: sample corpus vs law collection",
        "",
        f"{result['measured_at']} · {result['machine']} · load average at the end {result['load_average']}",
        "(a shared machine: figures move with what else runs; compare runs taken at the same load)",
        "",
        "| collection | questions | chunks | ingest chunks/s | p50 ms | p95 ms | p50 without embedding | "
        + " | ".join(f"{s} p50" for s in STAGES)
        + " | load (ingest → queries) |",
        "|---" * (8 + len(STAGES)) + "|",
    ]
    for row in result["rows"]:
        speed = row["ingest_chunks_per_s"] if row["ingest_chunks_per_s"] is not None else "cached"
        lines.append(
            f"| {row['collection']} | {row['questions']} | {row['chunks']} | {speed} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p50_without_embedding_ms']} | "
            + " | ".join(str(row["stage_p50_ms"][s]) for s in STAGES)
            + f" | {row['ingest_load_average']} → {row['query_load_average']} |"
        )
    lines += [
        "",
        f"Law median / sample median, same (law) questions: **{result['law_over_sample_p50']}** (target ≤ 1.15);"
        f" each set's own questions: {result['own_questions_ratio']}. The query embedding depends on the"
        " question's length, not the collection: law questions are longer than the ward ones.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample-corpus", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--sample-gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    parser.add_argument("--law-corpus", type=Path, default=REPO.parent / "shared" / "ext" / "alqac" / "corpus")
    parser.add_argument("--law-gold", type=Path, default=REPO.parent / "shared" / "ext" / "alqac" / "dev.jsonl")
    parser.add_argument("--vector-cache", type=Path, default=None, help="law passage vectors from this eval cache")
    parser.add_argument("--limit", type=int, default=None, help="only the first N gold questions of each set")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench")
    args = parser.parse_args()

    sample_rows = measure(
        "sample", args.sample_corpus, [("sample", args.sample_gold), ("law", args.law_gold)], None, args.limit
    )
    rows = [*sample_rows, *measure("law", args.law_corpus, [("law", args.law_gold)], args.vector_cache, args.limit)]
    for row in rows:
        print(
            f"{row['collection']:<7} {row['questions']:<7} questions {row['chunks']:>6} chunks"
            f"  ingest {row['ingest_chunks_per_s'] or 'cached'} chunks/s  p50 {row['p50_ms']} ms"
            f"  p95 {row['p95_ms']} ms  without embedding {row['p50_without_embedding_ms']} ms"
            f"  stages {row['stage_p50_ms']}  load {row['ingest_load_average']} → {row['query_load_average']}"
        )
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}",
        "load_average": load_average(),
        "rows": rows,
        "law_over_sample_p50": round(rows[2]["p50_ms"] / rows[1]["p50_ms"], 2),
        "own_questions_ratio": round(rows[2]["p50_ms"] / rows[0]["p50_ms"], 2),
    }
    print(
        f"law median / sample median on the same questions: {result['law_over_sample_p50']} (target ≤ 1.15);"
        f" each with its own questions: {result['own_questions_ratio']}"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "query_scaling.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (args.out / "query_scaling.md").write_text(render(result), encoding="utf-8")


if __name__ == "__main__":
    main()
