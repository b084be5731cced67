"""`hoidap serve`: the HTTP API and the chat page on the bundled corpus."""

from __future__ import annotations

import typer

from hoidap.optional import MissingExtra, ensure_installed
from hoidap.settings import Settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Địa chỉ lắng nghe"),
    port: int = typer.Option(8000, help="Cổng"),
    log_level: str = typer.Option("info", help="Mức ghi log của uvicorn (debug, info, warning, error)"),
) -> None:
    """Start the HTTP service: / is the chat page, /docs the API reference.

    The index is loaded in the background (GET /healthz answers 503 until it is ready); when there
    is none yet, the bundled corpus (HOIDAP_CORPUS_DIR) is indexed first, which takes a minute or two.
    One worker process: the index, the answer cache and the rate limits live in its memory.
    """
    try:
        ensure_installed("Dịch vụ HTTP (hoidap serve)", "fastapi", "uvicorn", "multipart", "prometheus_client")
    except MissingExtra as error:
        typer.echo(f"Lỗi: {error}", err=True)
        raise typer.Exit(2) from error
    import uvicorn

    from hoidap.api.app import create_app

    settings = Settings()
    app = create_app(settings, bootstrap_corpus=True)
    typer.echo(f"Hỏi đáp: http://{host}:{port}/  (API: http://{host}:{port}/docs)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        server_header=False,
        # SIGTERM: stop accepting, give requests this long, then the lifespan stops the document job.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_seconds)),
    )
