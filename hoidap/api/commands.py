"""`hoidap serve` (filled in by the API work)."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Địa chỉ lắng nghe"),
    port: int = typer.Option(8000, help="Cổng"),
) -> None:
    """Start the HTTP service (not implemented yet)."""
    raise typer.Exit(2)
