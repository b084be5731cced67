"""`hoidap serve`: the HTTP API and the chat page on the bundled corpus."""

from __future__ import annotations

import os
import shutil

import typer

from hoidap.optional import MissingExtra, ensure_installed
from hoidap.settings import Settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Địa chỉ lắng nghe"),
    port: int = typer.Option(8000, help="Cổng"),
    log_level: str = typer.Option("info", help="Mức ghi log của uvicorn (debug, info, warning, error)"),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Số tiến trình phục vụ (mặc định HOIDAP_SERVE_WORKERS, hoặc số lõi CPU)"
    ),
) -> None:
    """Start the HTTP service: / is the chat page, /docs the API reference.

    The index is loaded in the background (GET /healthz answers 503 until it is ready); when there
    is none yet, the bundled corpus (HOIDAP_CORPUS_DIR) is indexed first, which takes a minute or two.
    With ``--workers N`` (default: HOIDAP_SERVE_WORKERS, else the usable cores) N processes each
    load the index and answer; they follow index versions on disk and share rate limits
    (hoidap.api.workers), and GET /metrics reports all of them (hoidap.api.metrics). ``--workers 1`` is one process, holding everything in its memory.
    """
    try:
        ensure_installed("Dịch vụ HTTP (hoidap serve)", "fastapi", "uvicorn", "multipart", "prometheus_client")
    except MissingExtra as error:
        typer.echo(f"Lỗi: {error}", err=True)
        raise typer.Exit(2) from error
    import uvicorn

    from hoidap.cpu import usable_cores

    settings = Settings()
    count = workers or settings.serve_workers or usable_cores()
    # The workers (and this process) read the count from the environment, as every other setting.
    os.environ["HOIDAP_SERVE_WORKERS"] = str(count)
    settings = Settings()
    from hoidap.api.app import bootstrap_index, create_app
    from hoidap.api.workers import listening_socket

    if count == 1:
        target: object = create_app(settings, bootstrap_corpus=True)
    else:
        # Indexed once here, before the workers start: N workers must not each index the corpus.
        bootstrap_index(settings)
        target = "hoidap.api.app:serve_app"
    typer.echo(
        f"Hỏi đáp: http://{host}:{port}/  (API: http://{host}:{port}/docs), {count} tiến trình phục vụ", err=True
    )
    options = dict(
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        server_header=False,
        # SIGTERM: stop accepting, give requests this long, then the lifespan stops the document job.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_seconds)),
    )
    if count == 1:
        uvicorn.run(target, **options)  # type: ignore[arg-type]
        return
    # uvicorn.run(workers=N) would bind the shared socket without TCP as its protocol, which costs
    # every response ~40 ms (see listening_socket); the same supervisor, given our socket.
    from hoidap.api.metrics import MULTIPROC_ENV, fresh_multiprocess_dir
    from hoidap.api.supervisor import Supervisor

    config = uvicorn.Config(target, factory=True, workers=count, **options)  # type: ignore[arg-type]
    try:
        sock = listening_socket(host, port)
    except OSError as error:
        typer.echo(f"Lỗi: không mở được cổng {host}:{port} ({error.strerror or error})", err=True)
        raise typer.Exit(1) from error
    # The workers are spawned (fresh interpreters) with this environment, so prometheus_client is
    # first imported there in multiprocess mode: /metrics sums every worker (hoidap.api.metrics).
    metrics_dir = fresh_multiprocess_dir(settings.data_dir / "run", os.getpid())
    os.environ[MULTIPROC_ENV] = str(metrics_dir)
    try:
        Supervisor(config, [sock], metrics_dir).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
