"""hoidap beside the LangChain baseline under load, in one run: concurrency 1/4/16, hoidap's cache off and on.

Usage: python bench/load_compare.py [--seconds 10] [--workers N] [--corpus data/corpus]

Starts, on free loopback ports, the baseline (bench/baseline_server.py, one process, as the
tutorial) and ``hoidap serve --workers N`` (default: the usable cores) twice, once with
``HOIDAP_ANSWER_CACHE_SIZE=0`` and once with the cache on, then ``--workers 1`` with the cache off
(what the workers bring); rate limits off. All servers run
together, idle but for their turn: each concurrency level measures them one after the other with
bench/load.py's clients (same gold questions, accented and unaccented, in turn), so a row's
figures are taken within the same minutes. hoidap serves from its own data directory,
``--data-dir`` (default: <HOIDAP_DATA_DIR>/bench-load, indexed on the first run, then reused). Prints a
side-by-side table and writes reports/bench/load_compare.json and .md, with the load average
before and after: figures from a busy machine are not comparable to a quiet one's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from load import Level  # noqa: E402  (bench/load.py: the same clients as the single-server bench)

from hoidap.cpu import usable_cores  # noqa: E402
from hoidap.eval.gold import load_gold  # noqa: E402
from hoidap.eval.harness import git_describe  # noqa: E402
from hoidap.settings import Settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], log: Path, port: int) -> Iterator[str]:
    """``command`` in a subprocess until GET /healthz answers 200; stopped (SIGTERM) afterwards."""
    base = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 600
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{command[1]} did not start; see {log}")
                time.sleep(0.5)
            if "--workers" in command:  # every worker must have loaded its index before measuring
                workers = int(command[command.index("--workers") + 1])
                seen: set[int] = set()
                while len(seen) < workers and time.monotonic() < deadline:
                    with httpx.Client(timeout=5) as client:  # a new connection: either worker
                        reply = client.get(base + "/healthz")
                    if reply.status_code == 200:
                        seen.add(reply.json().get("worker_pid"))
                    else:
                        time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def markdown(report: dict) -> str:
    lines = [
        "# hoidap beside the LangChain baseline under load",
        "",
        f"{report['started']} · git {report['git']} · {report['machine']} · {report['cores']} cores · "
        f"hoidap workers {report['workers']} · {report['seconds_per_level']:.0f} s per level",
        f"Load average before {report['load_before']}, after {report['load_after']} "
        "(other processes on the machine make every figure slower and noisier).",
        "",
        "| system | clients | answers/s | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for system, levels in report["systems"].items():
        for level in levels:
            lines.append(
                f"| {system} | {level['concurrency']} | {level['throughput_rps']:.1f} | "
                f"{level.get('p50_ms', float('nan')):.0f} | {level.get('p95_ms', float('nan')):.0f} | {level['errors']} |"
            )
    lines += ["", "Targets (issue 14): at 16 clients, hoidap with the cache off ≥ 1.5× the baseline's answers/s "
              "with no errors; at 1 client, hoidap's median ≤ the baseline's."]
    for name, value in report["ratios"].items():
        lines.append(f"- {name}: {value:.2f}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--workers", type=int, default=None, help="hoidap's worker processes (default: the cores)")
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench" / "load_compare.json")
    args = parser.parse_args()

    workers = args.workers or usable_cores()
    settings = Settings()
    data_dir = (args.data_dir or settings.data_dir / "bench-load").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    gold = load_gold(args.gold)
    questions = [q.question for q in gold] + [q.question_nodiac for q in gold]
    base_env = {
        **os.environ,
        "HOIDAP_DATA_DIR": str(data_dir),
        "HOIDAP_CORPUS_DIR": str(args.corpus.resolve()),
        "HOIDAP_RATE_LIMIT_PER_MINUTE": "0",
        "PYTHONPATH": str(REPO),
    }
    base_env.pop("HOIDAP_REDIS_URL", None)
    baseline_env = {**base_env, "HOIDAP_DATA_DIR": str(settings.data_dir.resolve())}  # its passage-vector cache
    hoidap_command = [sys.executable, "-m", "hoidap.cli", "serve", "--host", "127.0.0.1", "--log-level", "warning"]
    runs = {
        "langchain baseline": (
            [sys.executable, str(REPO / "bench" / "baseline_server.py"), "--corpus", str(args.corpus)], baseline_env
        ),
        # The same pipeline with the embedder left at its default, every core for every query (how
        # the tutorial runs it): faster alone, and it is the baseline to beat where it is faster.
        "langchain baseline, all cores per query": (
            [sys.executable, str(REPO / "bench" / "baseline_server.py"), "--corpus", str(args.corpus), "--threads", "0"],
            baseline_env,
        ),
        "hoidap, cache off": (hoidap_command + ["--workers", str(workers)], {**base_env, "HOIDAP_ANSWER_CACHE_SIZE": "0"}),
        "hoidap, cache on": (hoidap_command + ["--workers", str(workers)], base_env),
    }
    if workers > 1:  # what the extra workers bring, measured in the same run
        runs["hoidap, 1 worker, cache off"] = (
            hoidap_command + ["--workers", "1"], {**base_env, "HOIDAP_ANSWER_CACHE_SIZE": "0"}
        )

    report: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_describe(REPO),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "cores": usable_cores(),
        "workers": workers,
        "seconds_per_level": args.seconds,
        "questions": len(questions),
        "load_before": load_average(),
        "systems": {},
    }
    log = data_dir / "load_compare.log"  # the servers' output, beside their data, not in the report
    log.unlink(missing_ok=True)
    print(f"load average {report['load_before']}; {args.seconds:.0f} s per level; hoidap workers: {workers}")
    # Every server runs for the whole bench, idle but for its turn; each concurrency level measures
    # the systems one after the other, so the figures compared in a row are minutes apart at most
    # and a neighbour's load on a shared machine hits them alike.
    with contextlib.ExitStack() as servers:
        bases = {}
        for system, (command, env) in runs.items():
            port = free_port()
            bases[system] = servers.enter_context(running(command + ["--port", str(port)], env, log, port))
        for base in bases.values():
            Level(base, questions, 1, 2.0, 20, 30.0).run()  # warm-up, not counted
        report["systems"] = {system: [] for system in runs}
        for concurrency in levels:
            for system, base in bases.items():
                level = Level(base, questions, concurrency, args.seconds, 20000, 30.0).run()
                report["systems"][system].append(level)
                print(
                    f"{system:28} {concurrency:>3} clients {level['throughput_rps']:7.1f}/s "
                    f"p50 {level.get('p50_ms', float('nan')):6.0f} p95 {level.get('p95_ms', float('nan')):6.0f} ms "
                    f"errors {level['errors']}"
                )
    report["load_after"] = load_average()

    by_level = {system: {level["concurrency"]: level for level in levels_} for system, levels_ in report["systems"].items()}
    ours = by_level["hoidap, cache off"]
    report["ratios"] = {}
    for name in (s for s in by_level if s.startswith("langchain baseline")):
        baseline = by_level[name]
        if max(levels) in baseline and baseline[max(levels)]["throughput_rps"]:
            report["ratios"][f"answers/s at {max(levels)} clients, hoidap (cache off) / {name}"] = (
                ours[max(levels)]["throughput_rps"] / baseline[max(levels)]["throughput_rps"]
            )
        if 1 in baseline and baseline[1].get("p50_ms") and ours[1].get("p50_ms"):
            report["ratios"][f"median at 1 client, hoidap (cache off) / {name}"] = ours[1]["p50_ms"] / baseline[1]["p50_ms"]

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    print(f"written to {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
