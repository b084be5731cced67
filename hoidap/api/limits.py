"""Limits applied before a request reaches a route: body size (413) and a per-client rate (429).

Both are plain ASGI middleware so they cost a few microseconds and answer in the contract's error
shape without reading more of an oversized body than the limit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hoidap.api.errors import error_body
from hoidap.ratelimit import RateLimiter


async def send_error(send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{math.ceil(size / 1024)} KB"


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies over a per-path limit, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        message = (
            f"Nội dung gửi lên quá lớn (tối đa {_megabytes(limit)}). "
            "Hãy rút gọn câu hỏi hoặc gửi tệp nhỏ hơn."
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await send_error(send, 413, "body_too_large", message)
                    return

        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return incoming

        async def guarded_send(outgoing: Message) -> None:
            nonlocal response_started
            # Once the body is known to be too large, whatever the app makes of the cut-off
            # body is replaced by our 413.
            if exceeded:
                return
            response_started = True
            await send(outgoing)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if exceeded and not response_started:
            await send_error(send, 413, "body_too_large", message)


class RateLimit:
    """429 for a client address that exceeds its bucket on the API routes (/v1/…)."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, prefix: str = "/v1/") -> None:
        self.app = app
        self.limiter = limiter
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            client = scope.get("client")
            wait = self.limiter.take(client[0] if client else "unknown")
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await send_error(
                    send,
                    429,
                    "rate_limited",
                    f"Bạn gửi quá nhiều yêu cầu trong thời gian ngắn. Hãy thử lại sau {seconds} giây.",
                    {"Retry-After": str(seconds)},
                )
                return
        await self.app(scope, receive, send)
