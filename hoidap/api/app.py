"""The FastAPI application: contract endpoints, document admin, feedback, metrics and the chat page.

``create_app(settings, service)`` builds an app around an already-loaded QAService (tests, the
benchmark) or, without one, loads the index in a background thread at start-up so that
``/healthz`` answers 503 until it is ready (and the process can be health-checked meanwhile).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hoidap.api.auth import AdminGate
from hoidap.api.deps import AppContext
from hoidap.api.docs import install_docs
from hoidap.api.errors import install_error_handlers
from hoidap.api.library import DocumentLibrary
from hoidap.api.limits import BodySizeLimit, RateLimit
from hoidap.api.metrics import Metrics, MetricsMiddleware
from hoidap.api.models import IngestJob
from hoidap.api.routes import answers, documents, feedback, health, pages, propaganda, webhooks, widget
from hoidap.api.routes import bulletin as bulletin_route
from hoidap.api.routes import channels as channel_routes
from hoidap.api.routes.pages import STATIC_DIR
from hoidap.api.state import ServiceHolder, follow_index_versions
from hoidap.api.workers import DiskIndexVersion, RunnerLock
from hoidap.index.embedder import Embedder, embedder_from_settings
from hoidap.index.store import open_index_store
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.service import QAService
from hoidap.ratelimit import make_limiter
from hoidap.records import open_records
from hoidap.replicas import IndexVersionNotice, connect_redis
from hoidap.settings import Settings

logger = logging.getLogger("hoidap.api")

# Multipart framing around an uploaded file is small; this is the allowance on top of the file limit.
_MULTIPART_OVERHEAD = 64 * 1024
# The page's scripts and styles are our own files; nothing inline, nothing from elsewhere.
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeaders:
    """nosniff and referrer policy everywhere; a strict CSP except on the OpenAPI pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(("/docs", "/redoc"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                # A route that sets its own CSP (the embeddable chat page, /embed) keeps it.
                if not docs and not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", _PAGE_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def bootstrap_index(settings: Settings, embedder: Embedder | None = None) -> Embedder | None:
    """Index the bundled corpus when there is no index yet (`hoidap serve`, before any worker starts).
    Returns the embedder it loaded, if it had to."""
    store = open_index_store(settings)
    if store.exists():
        return embedder
    embedder = embedder or embedder_from_settings(settings)
    logger.warning("Chưa có chỉ mục: đang lập chỉ mục %s (khoảng 1–2 phút)…", settings.corpus_dir)
    ingestor = Ingestor.from_settings(settings, store, embedder)
    report = ingestor.ingest([settings.corpus_dir], max_file_bytes=settings.max_file_bytes)
    for _, reason in report.failed:
        logger.warning("Bỏ qua: %s", reason)
    return embedder


def load_service(settings: Settings, holder: ServiceHolder, bootstrap_corpus: bool) -> None:
    """Load the embedder and the index (building it from the bundled corpus first when asked and missing)."""
    try:
        embedder = embedder_from_settings(settings)
        if bootstrap_corpus:
            bootstrap_index(settings, embedder)
        holder.swap(QAService.from_settings(settings, embedder=embedder))
        logger.warning("Sẵn sàng: chỉ mục %s", holder.current.version if holder.current else "?")
    except Exception as error:  # reported by /healthz, the process stays up for diagnosis
        logger.exception("could not load the index")
        holder.loading_error = str(error)


def create_app(
    settings: Settings | None = None, service: QAService | None = None, *, bootstrap_corpus: bool = False
) -> FastAPI:
    """Build the HTTP service. ``service``: an already-loaded QAService to serve (else loaded at start-up)."""
    settings = settings or Settings()
    # Replicas share rate limits, answers and the index version through Redis when it is configured.
    redis_client = connect_redis(settings.redis_url.get_secret_value()) if settings.redis_url else None
    notice: IndexVersionNotice | DiskIndexVersion | None = None
    if redis_client is not None:
        notice = IndexVersionNotice(redis_client, settings.redis_prefix)
    # Worker processes of one `hoidap serve --workers N` (hoidap.api.workers): every worker follows
    # the index version on disk, and one of them at a time runs the document jobs.
    several_workers = (settings.serve_workers or 1) > 1
    if several_workers and notice is None:
        notice = DiskIndexVersion(open_index_store(settings))
    holder = ServiceHolder(settings.answer_cache_size, redis_client, settings.redis_prefix)
    if service is not None:
        holder.swap(service)
    metrics = Metrics()

    def job_finished(job: IngestJob) -> None:
        metrics.ingest_jobs.labels(job.status).inc()
        if job.status == "done" and job.index_version:
            metrics.index_swaps.inc()
            if notice is not None:
                notice.publish(job.index_version)

    context = AppContext(
        settings=settings,
        holder=holder,
        records=open_records(settings),
        library=DocumentLibrary(
            settings,
            holder,
            on_finished=job_finished,
            runner_lock=RunnerLock(settings.data_dir / "jobs.runner.lock") if several_workers else None,
        ),
        metrics=metrics,
    )

    shut_down = False

    @asynccontextmanager
    async def lifespan(started_app: FastAPI) -> AsyncIterator[None]:
        nonlocal shut_down
        if shut_down:  # the app is started again after a shutdown closed the records store
            context.records = open_records(settings)
        context.library.start()  # settles jobs left by the previous run, cleans staging
        loader = None
        if holder.current is None:
            loader = threading.Thread(
                target=load_service, args=(settings, holder, bootstrap_corpus), name="hoidap-load", daemon=True
            )
            loader.start()
        stop_following = threading.Event()
        if notice is not None:

            def reload(serving: QAService) -> QAService:
                return QAService.from_settings(settings, embedder=serving.embedder)

            follow = (holder, notice, reload, settings.index_watch_seconds, stop_following)
            threading.Thread(target=follow_index_versions, args=follow, name="hoidap-follow-index", daemon=True).start()
        await webhooks.start_bots(started_app)  # the Telegram bot initialises here, not in a request
        try:
            yield
        finally:
            stop_following.set()
            await webhooks.stop_bots(started_app, settings.shutdown_grace_seconds)
            context.library.shutdown(settings.shutdown_grace_seconds)
            context.records.close()
            shut_down = True

    app = FastAPI(
        title="Hỏi đáp chính sách y tế",
        description=(
            "Trả lời câu hỏi tiếng Việt từ văn bản chính sách, kèm trích dẫn nguyên văn. "
            "Lỗi luôn có dạng {\"error\": {\"code\", \"message\"}}."
        ),
        version="1.0",
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs: FastAPI's pages need a CDN
        redoc_url=None,
    )
    app.state.context = context
    install_error_handlers(app)
    for router in (answers.router, feedback.router, documents.router, health.router, pages.router, webhooks.router):
        app.include_router(router)
    app.include_router(propaganda.router)
    app.include_router(channel_routes.router)
    app.include_router(widget.router)
    app.include_router(bulletin_route.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)

    # Added innermost first: metrics see every response, including 413 and 429 from the limits.
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(
            RateLimit,
            limiter=make_limiter(
                settings.rate_limit_per_minute,
                settings.rate_limit_burst,
                redis_client,
                prefix=f"{settings.redis_prefix}:api:limit",
                shared_path=settings.shared_limits_path,
            ),
        )
    upload_limit = settings.upload_max_bytes + _MULTIPART_OVERHEAD

    def body_limit(path: str) -> int:
        return upload_limit if path.startswith("/v1/documents") else settings.max_request_bytes

    app.add_middleware(BodySizeLimit, limit_for=body_limit)
    app.add_middleware(AdminGate, settings=settings)  # outside the size limit: 401 before 413
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def serve_app() -> FastAPI:
    """The app of one worker process of `hoidap serve --workers N` (uvicorn imports it by name;
    settings come from the environment, where the command put HOIDAP_SERVE_WORKERS)."""
    return create_app(Settings())
