"""Webhook routes for the bots inside the FastAPI app: ``/webhooks/telegram`` and ``/webhooks/zalo``.

The bots share the API's loaded index (following swaps) and its records store. Each platform's
authentication is checked before anything is parsed; a wrong or missing secret is answered 401,
an unconfigured channel 403, and nothing is processed.

Telegram: the bot is initialised when the app starts (``getMe``, the command menu), retrying in
the background while the Bot API cannot be reached, never inside a request. An update is checked
(a JSON object with an integer ``update_id`` that python-telegram-bot can read; else 400), a
replayed ``update_id`` is dropped, and the update is answered 200 at once and handled in a
background task, whose sends are retried while the Bot API is unreachable. Never a 500.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from telegram import Update
from telegram.ext import Application

from hoidap.api.deps import AppContext
from hoidap.api.errors import ApiError
from hoidap.api.state import ServingState
from hoidap.bot.core import Dialogue, LocalQA, QABackend
from hoidap.bot.telegram import build_application, publish_commands
from hoidap.bot.zalo import RecentIds, WebhookRejected, ZaloBot, ZaloClient, verify_event
from hoidap.records.subscriptions import open_subscriptions
from hoidap.settings import Settings

logger = logging.getLogger("hoidap.bot.webhooks")

router = APIRouter(prefix="/webhooks", tags=["bot"], include_in_schema=False)

# Pauses between attempts to initialise the bot while the Bot API is unreachable (the last repeats).
_INIT_RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class TelegramUpdateBody(BaseModel):
    """What every Telegram update has; the rest is read by python-telegram-bot."""

    model_config = ConfigDict(extra="allow", strict=True)
    update_id: int = Field(ge=0)


class TelegramWebhook:
    """The webhook-mode Application: initialised in the background, updates handled in tasks."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self.ready = asyncio.Event()
        self.seen = RecentIds()
        self._tasks: set[asyncio.Task[None]] = set()
        self._starter: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._starter = asyncio.get_running_loop().create_task(self._initialise())

    async def _initialise(self) -> None:
        for attempt in itertools.count():
            try:
                await self.application.initialize()  # getMe: the bot's username for group mentions
                await publish_commands(self.application)
                self.ready.set()
                return
            except Exception as error:  # network down, 5xx, bad token: keep the app up, try later
                delay = _INIT_RETRY_DELAYS[min(attempt, len(_INIT_RETRY_DELAYS) - 1)]
                logger.warning("telegram bot not initialised (%s); retrying in %.0f s", error, delay)
                await asyncio.sleep(delay)

    def read(self, payload: object) -> Update:
        """The update in ``payload``, or an :class:`ApiError` 400 saying what is wrong."""
        if not isinstance(payload, dict):
            raise ApiError(400, "update_invalid", "Bản cập nhật Telegram phải là một đối tượng JSON có update_id.")
        try:
            TelegramUpdateBody.model_validate(payload)
        except ValidationError as error:
            raise ApiError(
                400, "update_invalid", "Bản cập nhật Telegram thiếu update_id hoặc update_id không phải số nguyên."
            ) from error
        try:
            return Update.de_json(payload, self.application.bot)
        except Exception as error:  # PTB raises TypeError, KeyError, ValueError… on malformed parts
            raise ApiError(400, "update_invalid", "Bản cập nhật Telegram có nội dung không đúng cấu trúc.") from error

    def submit(self, update: Update) -> None:
        task = asyncio.get_running_loop().create_task(self._process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, update: Update) -> None:
        try:
            await self.ready.wait()
            await self.application.process_update(update)
        except asyncio.CancelledError:
            raise
        except Exception:  # the bot's error handler has already spoken to the person if it could
            logger.exception("telegram update %s failed", update.update_id)

    async def stop(self, grace_seconds: float = 5.0) -> None:
        if self._starter is not None:
            self._starter.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
            for task in pending:
                task.cancel()
        if self.ready.is_set():
            try:
                await self.application.shutdown()
            except Exception:
                logger.warning("telegram bot did not shut down cleanly", exc_info=True)


@dataclass
class BotRuntime:
    """Created at start-up (or on the first webhook call) and kept on ``app.state``."""

    dialogue: Dialogue
    telegram: TelegramWebhook | None = None
    zalo: ZaloBot | None = None


def _telegram_enabled(settings: Settings) -> bool:
    return settings.telegram_token is not None and settings.telegram_webhook_secret is not None


def _make_runtime(context: AppContext) -> BotRuntime:
    def current_serving() -> ServingState:
        serving = context.holder.current
        if serving is None:
            raise RuntimeError("index not loaded yet")
        return serving

    backend: QABackend = LocalQA(current_serving, context.records, context.settings)
    return BotRuntime(Dialogue(backend, open_subscriptions(context.settings), context.settings))


def _runtime(request: Request) -> BotRuntime:
    runtime = getattr(request.app.state, "bots", None)
    if runtime is None:
        runtime = _make_runtime(request.app.state.context)
        request.app.state.bots = runtime
    return runtime


async def start_bots(app: FastAPI) -> None:
    """At start-up: the shared runtime, and the Telegram bot initialising in the background."""
    context: AppContext = app.state.context
    if not _telegram_enabled(context.settings):
        return  # Zalo needs nothing at start-up: its runtime is made on the first event
    runtime = _make_runtime(context)
    runtime.telegram = TelegramWebhook(build_application(context.settings, runtime.dialogue, updater=False))
    runtime.telegram.start()
    app.state.bots = runtime


async def stop_bots(app: FastAPI, grace_seconds: float = 5.0) -> None:
    runtime: BotRuntime | None = getattr(app.state, "bots", None)
    if runtime is not None and runtime.telegram is not None:
        await runtime.telegram.stop(grace_seconds)
    # The webhook bots hold the records store about to be closed: a restarted app builds them anew.
    app.state.bots = None


def _secret_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@router.post("/telegram")
async def telegram_webhook(
    request: Request,
    secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
) -> JSONResponse:
    context: AppContext = request.app.state.context
    settings = context.settings
    if settings.telegram_token is None or settings.telegram_webhook_secret is None:
        raise ApiError(403, "telegram_disabled", "Kênh Telegram chưa được cấu hình trên máy chủ này.")
    if not _secret_matches(settings.telegram_webhook_secret.get_secret_value(), secret):
        raise ApiError(401, "telegram_unauthorized", "Sai hoặc thiếu mã bí mật của webhook Telegram.")
    runtime = _runtime(request)
    if runtime.telegram is None:  # an app used without its lifespan (start_bots not run)
        runtime.telegram = TelegramWebhook(build_application(settings, runtime.dialogue, updater=False))
        runtime.telegram.start()
    try:
        payload: Any = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "update_invalid", "Bản cập nhật Telegram không phải JSON hợp lệ.") from error
    update = runtime.telegram.read(payload)
    if not runtime.telegram.seen.first_time(str(update.update_id)):
        return JSONResponse({"ok": True, "status": "duplicate"})
    # Answered at once; the reply is sent from a background task (retrying while the Bot API is
    # unreachable), so Telegram never sees a slow or failed webhook and never re-sends the update.
    runtime.telegram.submit(update)
    return JSONResponse({"ok": True, "status": "accepted"})


@router.post("/zalo")
async def zalo_webhook(
    request: Request,
    background: BackgroundTasks,
    signature: Annotated[str | None, Header(alias="X-ZEvent-Signature")] = None,
) -> JSONResponse:
    context: AppContext = request.app.state.context
    raw = await request.body()
    try:
        event = verify_event(context.settings, raw, signature)
    except WebhookRejected as error:
        raise ApiError(
            error.status, "zalo_rejected", "Sự kiện Zalo không hợp lệ (chữ ký hoặc thời điểm)."
        ) from error
    runtime = _runtime(request)
    if runtime.zalo is None:
        runtime.zalo = ZaloBot(runtime.dialogue, ZaloClient(context.settings))
    if not runtime.zalo.accept(event):
        return JSONResponse({"status": "duplicate"})
    # Zalo expects a quick 200; answering takes longer, so it runs after the response is sent.
    background.add_task(runtime.zalo.handle, event)
    return JSONResponse({"status": "accepted"})
