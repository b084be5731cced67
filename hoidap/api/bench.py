"""Load figures for a running `hoidap serve` (loopback only): latency at concurrency 1, throughput at 16.

    python -m hoidap.api.bench --url http://127.0.0.1:8000 --pid <server pid> [--seconds 30]

Prints p50/p95 latency of sequential requests, then requests/s, errors and latency with N
concurrent clients for a fixed time, for /v1/ask and /v1/search, and the server's resident
memory (from /proc/<pid>/status). Start the server with HOIDAP_RATE_LIMIT_PER_MINUTE=0, or the
rate limit answers most of the load with 429 (counted as errors). The request loops are bounded
by count and time and only target the given URL, which must be on the loopback interface.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?",
    "bhyt 2030 dat bao nhieu",
    "Ai ký công văn 307-CV/ĐU?",
    "phường có khuyến khích thuốc nam không",
    "Tuổi thọ trung bình đến năm 2030 là bao nhiêu?",
    "tre em duoc kham suc khoe dinh ky may lan mot nam",
    "Trạm y tế phường có nhiệm vụ gì?",
    "muc tieu ve y te co so la gi",
    "Công văn 307-CV/ĐU ban hành ngày nào?",
    "Những giải pháp phát triển nhân lực y tế là gì?",
    "chuyen doi so trong y te",
    "Giá vé máy bay đi Đà Nẵng là bao nhiêu?",
]


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)  # "HTTP 429", "ReadTimeout", …
    seconds: float = 0.0

    def fail(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies_ms)

        def pct(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

        return {
            "requests": len(ordered) + self.errors,
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "rps": round((len(ordered) + self.errors) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(ordered), 1) if ordered else float("nan"),
            "p95_ms": round(pct(0.95), 1),
            "max_ms": round(ordered[-1], 1) if ordered else float("nan"),
            "error_kinds": self.error_kinds,
        }


def _payload(path: str, index: int) -> dict[str, object]:
    question = QUESTIONS[index % len(QUESTIONS)]
    return {"question": question} if path == "/v1/ask" else {"query": question, "k": 5}


async def _one(client: httpx.AsyncClient, path: str, index: int, run: Run) -> None:
    started = time.perf_counter()
    try:
        response = await client.post(path, json=_payload(path, index))
    except httpx.HTTPError as error:
        run.fail(type(error).__name__)
        return
    if response.status_code == 200:
        run.latencies_ms.append((time.perf_counter() - started) * 1000)
    else:
        run.fail(f"HTTP {response.status_code}")


async def sequential(client: httpx.AsyncClient, path: str, count: int) -> Run:
    run = Run()
    started = time.perf_counter()
    for index in range(count):
        await _one(client, path, index, run)
    run.seconds = time.perf_counter() - started
    return run


async def concurrent(client: httpx.AsyncClient, path: str, workers: int, seconds: float) -> Run:
    run = Run()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker() -> None:
        while time.perf_counter() < deadline:
            await _one(client, path, next(counter), run)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    run.seconds = time.perf_counter() - started
    return run


def resident_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


async def main(url: str, pid: int | None, seconds: float, workers: int, sequential_count: int) -> dict:
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit("only loopback servers are benchmarked (127.0.0.1, localhost, ::1)")
    results: dict[str, object] = {"url": url, "workers": workers}
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        health = (await client.get("/healthz")).json()
        results["index"] = health
        for path in ("/v1/ask", "/v1/search"):
            await sequential(client, path, len(QUESTIONS))  # warm-up (first embeddings, caches)
            results[f"{path} c=1"] = (await sequential(client, path, sequential_count)).summary()
            results[f"{path} c={workers}"] = (await concurrent(client, path, workers, seconds)).summary()
    results["server_rss_mb"] = resident_mb(pid)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--pid", type=int, default=None, help="server process id, for its resident memory")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--sequential", type=int, default=200)
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments.url, arguments.pid, arguments.seconds, arguments.workers, arguments.sequential))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
