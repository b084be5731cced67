"""Per-stage latency in-process: hoidap (embed, dense, lexical, fusion, answer) beside the LangChain baseline.

Usage: python bench/latency.py [--gold data/eval/dev.jsonl] [--limit N] [--out reports/bench/latency.json]

Every gold question is asked in both forms (accented, unaccented), one at a time, after one
warm-up question. The baseline is the tutorial pipeline of ``hoidap eval --baseline langchain``
(1000/200 split, FAISS, the same embedder), timed as query embedding, vector search and answer
(= taking the top chunk). Prints a table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from hoidap.eval.baselines import faiss_store, tutorial_chunks
from hoidap.eval.corpus import load_corpus
from hoidap.eval.gold import load_gold
from hoidap.eval.harness import build_eval_index, git_describe
from hoidap.eval.langchain_embeddings import HoidapEmbeddings
from hoidap.eval.vector_cache import CachedEmbedder
from hoidap.index.embedder import embedder_from_settings
from hoidap.qa.service import QAService
from hoidap.settings import Settings

REPO = Path(__file__).resolve().parents[1]
HOIDAP_STAGES = ("embed", "dense", "lexical", "fusion", "answer", "total")
BASELINE_STAGES = ("embed", "search", "answer", "total")


def quantiles(values: list[float]) -> dict[str, float]:
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "n": len(values)}


def time_hoidap(service: QAService, questions: list[str]) -> dict[str, dict[str, float]]:
    service.ask_with_trace(questions[0])  # warm-up, not counted
    stages: dict[str, list[float]] = {stage: [] for stage in HOIDAP_STAGES}
    for question in questions:
        started = time.perf_counter()
        _, trace = service.ask_with_trace(question, top_k=5)
        stages["total"].append((time.perf_counter() - started) * 1000)
        for stage in HOIDAP_STAGES[:-1]:
            stages[stage].append(trace.timings_ms.get(stage, 0.0))
    return {stage: quantiles(values) for stage, values in stages.items()}


def time_baseline(embeddings: HoidapEmbeddings, chunks: list, questions: list[str]) -> dict[str, dict[str, float]]:
    store = faiss_store(chunks, embeddings)
    store.similarity_search(questions[0], k=5)  # warm-up, not counted
    stages: dict[str, list[float]] = {stage: [] for stage in BASELINE_STAGES}
    for question in questions:
        t0 = time.perf_counter()
        vector = embeddings.embed_query(question)
        t1 = time.perf_counter()
        documents = store.similarity_search_by_vector(vector, k=5)
        t2 = time.perf_counter()
        _answer = documents[0].page_content if documents else ""
        t3 = time.perf_counter()
        for stage, value in zip(BASELINE_STAGES, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            stages[stage].append(value * 1000)
    return {stage: quantiles(values) for stage, values in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: <HOIDAP_DATA_DIR>/eval (shared with hoidap eval)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench" / "latency.json")
    args = parser.parse_args()

    base = Settings()
    settings = Settings(data_dir=args.data_dir or base.data_dir / "eval", corpus_dir=args.corpus)
    gold = load_gold(args.gold)[: args.limit]
    questions = [q.question for q in gold] + [q.question_nodiac for q in gold]

    embedder = CachedEmbedder(embedder_from_settings(settings), settings.data_dir / "embedding-cache")
    build_eval_index(settings, embedder)
    service = QAService.from_settings(settings, embedder=embedder)
    hoidap = time_hoidap(service, questions)
    baseline = time_baseline(HoidapEmbeddings(embedder), tutorial_chunks(load_corpus(args.corpus)), questions)

    figures = {
        "questions": len(questions),
        "threads": settings.embedding_threads,
        "embedder": embedder.name,
        "git": git_describe(REPO),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "hoidap_ms": hoidap,
        "langchain_ms": baseline,
        "ratio_total_p50": hoidap["total"]["p50"] / baseline["total"]["p50"],
        "ratio_total_p95": hoidap["total"]["p95"] / baseline["total"]["p95"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    print(f"{len(questions)} questions (accented + unaccented), embedder {embedder.name}, {settings.embedding_threads} thread(s)")
    print(f"{'stage':10} {'hoidap p50':>11} {'p95':>8}   {'langchain p50':>13} {'p95':>8}")
    for stage in ("embed", "dense", "lexical", "fusion", "search", "answer", "total"):
        ours = hoidap.get(stage)
        theirs = baseline.get(stage)
        left = f"{ours['p50']:11.2f} {ours['p95']:8.2f}" if ours else f"{'':11} {'':8}"
        right = f"{theirs['p50']:13.2f} {theirs['p95']:8.2f}" if theirs else ""
        print(f"{stage:10} {left}   {right}")
    print(f"hoidap / langchain total: p50 ×{figures['ratio_total_p50']:.2f}, p95 ×{figures['ratio_total_p95']:.2f}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
