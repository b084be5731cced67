"""Memory and latency per million 384-dim vectors: FAISS flat/HNSW in process, and milvus-lite.

Usage: nice python bench/scale_vectors.py [--sizes 100000,300000] [--backends faiss-flat,faiss-hnsw,milvus-flat,milvus-hnsw]

Each (backend, size) runs in a fresh subprocess so resident memory is measured cleanly: the
growth of this process's RSS once the vectors exist (FAISS: the index; milvus-lite, which serves
inside the calling process: its server and client, including its fixed start-up cost). Random unit vectors stand in for chunk vectors; queries are perturbed
copies of stored vectors. Latency is one query at a time, top 10 (HNSW: M=32, efConstruction=120,
ef=256 — the project's settings). Prints one JSON line per measurement and a table; feeds
docs/scale.md. The machine is shared (2 cores, other jobs running): treat latencies as upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DIMENSION = 384


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def data(size: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    vectors = np.empty((size, DIMENSION), dtype=np.float32)
    for start in range(0, size, 100_000):  # in slices: no float64 copy of the whole matrix
        stop = min(size, start + 100_000)
        vectors[start:stop] = unit_rows(rng.standard_normal((stop - start, DIMENSION)))
    picks = rng.integers(0, size, queries)
    return vectors, unit_rows(vectors[picks] + 0.3 * rng.standard_normal((queries, DIMENSION)))


def latencies(search, queries: np.ndarray) -> dict[str, float]:
    search(queries[0])  # warm-up
    times = []
    for query in queries:
        started = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95))}


def measure_faiss(kind: str, size: int, queries: int) -> dict:
    import faiss

    from hoidap.index.dense import DenseIndex

    # One thread, as a server replica answers one query per worker; on a shared machine a second
    # OpenMP thread spin-waits and makes every figure meaningless.
    faiss.omp_set_num_threads(1)

    vectors, probes = data(size, queries)
    before = rss_mb()
    started = time.perf_counter()
    index = DenseIndex.build(vectors, flat_max_vectors=size if kind == "flat" else 0)
    build = time.perf_counter() - started
    memory = rss_mb() - before
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "dense.faiss"
        index.save(path)
        disk = path.stat().st_size / 2**20
    return {"build_s": build, "memory_mb": memory, "disk_mb": disk, **latencies(lambda q: index.search(q, 10), probes)}


def measure_milvus(kind: str, size: int, queries: int) -> dict:
    from pymilvus import DataType, MilvusClient

    vectors, probes = data(size, queries)
    with tempfile.TemporaryDirectory() as directory:
        before = rss_mb()
        client = MilvusClient(str(Path(directory) / "bench.db"))
        servers = descendants(os.getpid())
        base = sum(rss_mb(pid) for pid in servers)
        schema = client.create_schema(auto_id=False)
        schema.add_field("pos", DataType.INT64, is_primary=True)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIMENSION)
        params = client.prepare_index_params()
        if kind == "flat":
            params.add_index("dense", index_type="FLAT", metric_type="IP")
        else:
            params.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 120})
        client.create_collection("bench", schema=schema, index_params=params)
        started = time.perf_counter()
        for start in range(0, size, 2000):
            block = vectors[start : start + 2000]
            client.insert("bench", [{"pos": start + i, "dense": row} for i, row in enumerate(block.tolist())])
        client.flush("bench")
        client.load_collection("bench")
        build = time.perf_counter() - started
        search_params = {"metric_type": "IP", "params": {"ef": 256} if kind == "hnsw" else {}}
        timing = latencies(
            lambda q: client.search("bench", data=[q.tolist()], limit=10, search_params=search_params), probes
        )
        servers = descendants(os.getpid())
        # milvus-lite serves inside this process (no child process today): count both.
        memory = sum(rss_mb(pid) for pid in servers) - base + rss_mb() - before
        disk = sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file()) / 2**20
        client.close()
    return {"build_s": build, "memory_mb": memory, "disk_mb": disk, **timing}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--backends", default="faiss-flat,faiss-hnsw,milvus-flat,milvus-hnsw")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        backend, size = args.one.rsplit(":", 1)
        library, kind = backend.split("-")
        measure = measure_faiss if library == "faiss" else measure_milvus
        print(json.dumps({"backend": backend, "vectors": int(size), **measure(kind, int(size), args.queries)}))
        return
    print(f"{'backend':<12} {'vectors':>8} {'build s':>8} {'MB':>8} {'MB/1M':>8} {'disk MB':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        for backend in args.backends.split(","):
            run = subprocess.run(
                [sys.executable, __file__, "--one", f"{backend}:{size}", "--queries", str(args.queries)],
                capture_output=True,
                text=True,
            )
            lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
            if run.returncode != 0 or not lines:
                print(f"{backend:<12} {size:>8} failed: {run.stderr.strip().splitlines()[-1:]}")
                continue
            row = json.loads(lines[-1])
            print(
                f"{backend:<12} {size:>8} {row['build_s']:>8.1f} {row['memory_mb']:>8.0f} "
                f"{row['memory_mb'] * 1e6 / size:>8.0f} {row['disk_mb']:>8.0f} {row['p50_ms']:>7.2f} {row['p95_ms']:>7.2f}",
                flush=True,
            )
            print(json.dumps(row), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
