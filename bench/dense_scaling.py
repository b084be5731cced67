"""How the dense index type should change with corpus size: flat vs HNSW search time and recall.

Usage: python bench/dense_scaling.py [--sizes 1000,10000,50000,100000]

Random unit vectors of the embedder's dimension (384) stand in for chunk vectors; queries are
perturbed copies of stored vectors, like a question close to its passage. Prints, per size,
the build time, the p50 search time of each index type and HNSW's recall@10 against the exact
flat search. Measured on the 2-core machine (HNSW M=32, efSearch=256):

    vectors  flat p50  hnsw p50  recall@10
      10000   1.1 ms    1.7 ms     0.976
      30000   6.7 ms    2.2 ms     0.807
      60000  11.7 ms    (efSearch 64: 1.1 ms, recall 0.23)

Random vectors are the hard case for HNSW; real embeddings cluster and do better. Exact flat
search costs less than the query embedding (~25 ms) up to about 50,000 chunks, so that is the
default switch-over (``Settings.dense_flat_max_vectors``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from hoidap.index.dense import DenseIndex


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,50000,100000")
    parser.add_argument("--dimension", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    print(f"{'vectors':>8} {'flat build':>11} {'flat p50':>9} {'hnsw build':>11} {'hnsw p50':>9} {'recall@10':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        vectors = unit_rows(rng.standard_normal((size, args.dimension)))
        picks = rng.integers(0, size, args.queries)
        queries = unit_rows(vectors[picks] + 0.3 * rng.standard_normal((args.queries, args.dimension)))
        timings: dict[str, tuple[float, list[float], list[np.ndarray]]] = {}
        for kind, threshold in (("flat", size), ("hnsw", 0)):
            started = time.perf_counter()
            index = DenseIndex.build(vectors, flat_max_vectors=threshold)
            build = time.perf_counter() - started
            searches, results = [], []
            for query in queries:
                started = time.perf_counter()
                _, positions = index.search(query, 10)
                searches.append((time.perf_counter() - started) * 1000)
                results.append(positions)
            timings[kind] = (build, searches, results)
        recall = statistics.mean(
            len(set(h.tolist()) & set(f.tolist())) / 10
            for h, f in zip(timings["hnsw"][2], timings["flat"][2], strict=True)
        )
        print(
            f"{size:>8} {timings['flat'][0]:>10.2f}s {statistics.median(timings['flat'][1]):>8.3f}ms "
            f"{timings['hnsw'][0]:>10.2f}s {statistics.median(timings['hnsw'][1]):>8.3f}ms {recall:>10.3f}"
        )


if __name__ == "__main__":
    main()
