"""PNG charts drawn from ``metrics.json`` alone (matplotlib, Agg: no display needed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: CI and servers have no display

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen before pyplot loads)
import numpy as np  # noqa: E402

from hoidap.eval.records import VARIANTS  # noqa: E402

SYSTEM_METRICS = [
    ("correct", "correct\noutcome"),
    ("all_key_facts", "all key\nfacts"),
    ("token_f1", "token\nF1"),
    ("evidence_at_1", "evidence\n@1"),
    ("evidence_at_5", "evidence\n@5"),
    ("mrr_at_10", "MRR@10"),
    ("unanswerable_refused", "unanswerable\nrefused"),
]
COLOURS = ["#1f6f8b", "#e07a1f", "#7a9a3a", "#9b5fb0", "#c0392b", "#555555"]


def _bars(ax, groups: list[str], series: Mapping[str, list[float]], ylabel: str) -> None:
    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for i, (name, values) in enumerate(series.items()):
        ax.bar(x + (i - (len(series) - 1) / 2) * width, values, width, label=name, color=COLOURS[i % len(COLOURS)])
    ax.set_xticks(x, groups, fontsize=8)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)


def plot_systems(metrics: Mapping[str, float], systems: list[str], path: Path) -> Path:
    """Grouped bars: the headline metrics of every system, one panel per form of the question."""
    fig, axes = plt.subplots(1, len(VARIANTS), figsize=(13, 5), sharey=True)
    for ax, variant in zip(axes, VARIANTS, strict=True):
        series = {
            system: [metrics.get(f"{system}.{variant}.{name}", 0.0) for name, _ in SYSTEM_METRICS]
            for system in systems
        }
        _bars(ax, [label for _, label in SYSTEM_METRICS], series, "share of questions" if variant == VARIANTS[0] else "")
        ax.set_title(f"{variant} questions")
        ax.set_ylim(0, 1.05)
    handles, labels = axes[0].get_legend_handles_labels()
    # Below the panels: inside them the legend hides the bars of whichever metric it covers.
    fig.legend(handles, labels, loc="lower center", ncol=len(systems), fontsize=9, frameon=False)
    fig.suptitle("hoidap vs baselines (same questions, same run)")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_by_type(metrics: Mapping[str, float], system: str, path: Path) -> Path:
    """One system's correct-outcome rate per question type, accented beside unaccented."""
    types = sorted({key.split(".")[3] for key in metrics if key.startswith(f"{system}.") and ".by_type." in key})
    fig, ax = plt.subplots(figsize=(10, 4))
    series = {
        variant: [metrics.get(f"{system}.{variant}.by_type.{t}.correct", 0.0) for t in types] for variant in VARIANTS
    }
    counts = [metrics.get(f"{system}.{VARIANTS[0]}.by_type.{t}.n_questions", 0.0) for t in types]
    _bars(ax, [f"{t}\n(n={n:.0f})" for t, n in zip(types, counts, strict=True)], series, "correct outcome")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{system}: correct outcome per question type")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(metrics: Mapping[str, float], systems: list[str], path: Path) -> Path:
    """p50 and p95 latency per system and form, log scale (BM25 answers in ~1 ms, hoidap in ~100)."""
    groups = [f"{system}\n{variant}" for system in systems for variant in VARIANTS]
    series = {
        quantile: [
            max(metrics.get(f"{system}.{variant}.latency_{quantile}_ms", 0.0), 0.01)
            for system in systems
            for variant in VARIANTS
        ]
        for quantile in ("p50", "p95")
    }
    fig, ax = plt.subplots(figsize=(10, 4))
    _bars(ax, groups, series, "ms per question (log)")
    ax.set_yscale("log")
    ax.set_title("latency per question")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(metrics: Mapping[str, float], systems: list[str], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [plot_systems(metrics, systems, out / "systems.png")]
    if any(key.startswith("hoidap.") and ".by_type." in key for key in metrics):
        paths.append(plot_by_type(metrics, "hoidap", out / "by_type.png"))
    paths.append(plot_latency(metrics, systems, out / "latency.png"))
    return paths
