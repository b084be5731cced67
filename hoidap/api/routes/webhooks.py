"""Webhook routes for the bots inside the FastAPI app: ``/webhooks/telegram`` and ``/webhooks/zalo``.

The bots share the API's loaded index (following swaps) and its records store. Each platform's
authentication is checked before anything is parsed; a wrong or missing secret is answered 401,
an unconfigured channel 403, and nothing is processed.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Request
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.ext import Application

from hoidap.api.deps import AppContext
from hoidap.api.errors import ApiError
from hoidap.api.state import ServingState
from hoidap.bot.core import Dialogue, LocalQA, QABackend
from hoidap.bot.telegram import build_application, publish_commands
from hoidap.bot.zalo import WebhookRejected, ZaloBot, ZaloClient, verify_event
from hoidap.records.subscriptions import open_subscriptions

router = APIRouter(prefix="/webhooks", tags=["bot"], include_in_schema=False)


@dataclass
class BotRuntime:
    """Created on the first webhook call and kept on ``app.state``."""

    dialogue: Dialogue
    telegram: Application | None = None
    zalo: ZaloBot | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _runtime(request: Request) -> BotRuntime:
    runtime = getattr(request.app.state, "bots", None)
    if runtime is None:
        context: AppContext = request.app.state.context

        def current_serving() -> ServingState:
            serving = context.holder.current
            if serving is None:
                raise RuntimeError("index not loaded yet")
            return serving

        backend: QABackend = LocalQA(current_serving, context.records, context.settings)
        runtime = BotRuntime(
            Dialogue(backend, open_subscriptions(context.settings), context.settings)
        )
        request.app.state.bots = runtime
    return runtime


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
    async with runtime.lock:
        if runtime.telegram is None:
            application = build_application(settings, runtime.dialogue, updater=False)
            await application.initialize()  # getMe: the bot's username for group mentions
            await publish_commands(application)
            runtime.telegram = application
    try:
        payload = json.loads(await request.body())
    except ValueError as error:
        raise ApiError(400, "update_invalid", "Bản cập nhật Telegram không phải JSON hợp lệ.") from error
    update = Update.de_json(payload, runtime.telegram.bot)
    # Handled before answering: Telegram waits up to a minute and retries on failure; errors inside
    # are turned into a polite message by the bot's error handler.
    await runtime.telegram.process_update(update)
    return JSONResponse({"ok": True})


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
