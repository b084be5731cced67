"""Load on a running hoidap API on this machine: concurrency 1/4/16, a fixed time each.

Usage:
    HOIDAP_RATE_LIMIT_PER_MINUTE=0 hoidap serve --port 8000 &      # the limiter would answer 429s
    python bench/load.py --url http://127.0.0.1:8000 [--seconds 10] [--concurrency 1,4,16]

Each level runs ``--seconds`` (and at most ``--max-requests``), then stops by itself. Clients
POST /v1/ask with the gold questions in turn, accented and unaccented. Only loopback addresses
are accepted: this is a bench for this machine, never a load generator for another host.
Prints throughput, p50/p95/p99 and errors per level and writes them as JSON.
"""

from __future__ import annotations

import argparse
import ipaddress
import itertools
import json
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

from hoidap.eval.gold import load_gold
from hoidap.eval.harness import git_describe

REPO = Path(__file__).resolve().parents[1]


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


class Level:
    """One concurrency level: workers share a question cycle, a deadline and a request budget."""

    def __init__(self, url: str, questions: list[str], concurrency: int, seconds: float, max_requests: int,
                 timeout_s: float) -> None:
        self.url = url
        self.concurrency = concurrency
        self.seconds = seconds
        self.timeout_s = timeout_s
        self._questions = itertools.cycle(questions)
        self._budget = max_requests
        self._lock = threading.Lock()
        self.latencies_ms: list[float] = []
        self.outcomes: Counter[str] = Counter()

    def _next_question(self) -> str | None:
        with self._lock:
            if self._budget <= 0:
                return None
            self._budget -= 1
            return next(self._questions)

    def _worker(self, deadline: float) -> None:
        with httpx.Client(base_url=self.url, timeout=self.timeout_s) as client:
            while time.perf_counter() < deadline:
                question = self._next_question()
                if question is None:
                    return
                started = time.perf_counter()
                try:
                    reply = client.post("/v1/ask", json={"question": question, "top_k": 5})
                    outcome = "ok" if reply.status_code == 200 else f"http_{reply.status_code}"
                except httpx.HTTPError as error:
                    outcome = type(error).__name__
                elapsed = (time.perf_counter() - started) * 1000
                with self._lock:
                    self.outcomes[outcome] += 1
                    if outcome == "ok":
                        self.latencies_ms.append(elapsed)

    def run(self) -> dict:
        started = time.perf_counter()
        deadline = started + self.seconds
        workers = [threading.Thread(target=self._worker, args=(deadline,)) for _ in range(self.concurrency)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(self.seconds + self.timeout_s + 5)
        wall = time.perf_counter() - started
        ok = self.outcomes["ok"]
        figures: dict = {
            "concurrency": self.concurrency,
            "seconds": wall,
            "requests": sum(self.outcomes.values()),
            "ok": ok,
            "errors": sum(self.outcomes.values()) - ok,
            "outcomes": dict(self.outcomes),
            "throughput_rps": ok / wall if wall else 0.0,
        }
        if self.latencies_ms:
            for q in (50, 95, 99):
                figures[f"p{q}_ms"] = float(np.percentile(self.latencies_ms, q))
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each concurrency level")
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--max-requests", type=int, default=5000, help="upper bound per level")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench" / "load.json")
    args = parser.parse_args()

    if not is_loopback(args.url):
        sys.exit(f"Chỉ đo tải trên máy này: {args.url} không phải địa chỉ loopback (127.0.0.1, localhost, ::1).")
    if not 0 < args.seconds <= 120:
        sys.exit("--seconds phải trong khoảng (0, 120].")
    try:
        health = httpx.get(f"{args.url.rstrip('/')}/healthz", timeout=5)
    except httpx.HTTPError as error:
        sys.exit(f"Không kết nối được {args.url} ({error}). Hãy chạy `hoidap serve` trước.")
    if health.status_code != 200:
        sys.exit(f"API chưa sẵn sàng (GET /healthz → {health.status_code}).")

    gold = load_gold(args.gold)
    questions = [q.question for q in gold] + [q.question_nodiac for q in gold]
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    results = []
    print(f"{args.url}  {args.seconds:.0f} s per level, {len(questions)} questions in turn")
    print(f"{'conc':>4} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for concurrency in levels:
        level = Level(args.url.rstrip("/"), questions, concurrency, args.seconds, args.max_requests, args.timeout)
        figures = level.run()
        results.append(figures)
        print(
            f"{concurrency:>4} {figures['requests']:>8} {figures['errors']:>6} {figures['throughput_rps']:>7.1f} "
            f"{figures.get('p50_ms', float('nan')):>8.0f} {figures.get('p95_ms', float('nan')):>8.0f} "
            f"{figures.get('p99_ms', float('nan')):>8.0f}"
            + (f"   {dict(figures['outcomes'])}" if figures["errors"] else "")
        )
    report = {"url": args.url, "seconds_per_level": args.seconds, "git": git_describe(REPO), "health": health.json(),
              "levels": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
