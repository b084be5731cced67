"""`hoidap eval` (filled in by the evaluation work)."""

from __future__ import annotations

from pathlib import Path

import typer


def eval_command(gold: Path = typer.Option(Path("data/eval/dev.jsonl"), help="Tệp gold JSONL")) -> None:
    """Score answers against a gold set (not implemented yet)."""
    raise typer.Exit(2)
