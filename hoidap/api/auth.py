"""The admin check, shared by the route dependency and the gate that runs before a body is read.

FastAPI reads a multipart body before it resolves a route's dependencies, so an upload would be
received in full (up to 20 MB) before its 401. :class:`AdminGate` answers document uploads and
changes without an admin token from the headers alone; the routes keep their own check.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from hoidap.api.errors import ApiError
from hoidap.api.limits import send_error
from hoidap.settings import Settings


def admin_error(settings: Settings, authorization: str | None) -> ApiError | None:
    """The 403 (admin disabled) or 401 (missing or wrong token) for this header, or None when allowed."""
    if settings.admin_token is None or not settings.admin_token.get_secret_value():
        return ApiError(
            403,
            "admin_disabled",
            "Chức năng quản trị đang tắt vì chưa cấu hình khóa quản trị. "
            "Quản trị viên hãy đặt biến môi trường HOIDAP_ADMIN_TOKEN rồi khởi động lại dịch vụ.",
        )
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.admin_token.get_secret_value().encode("utf-8")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode("utf-8"), expected):
        return ApiError(
            401,
            "admin_unauthorized",
            "Thiếu hoặc sai khóa quản trị. Gửi kèm tiêu đề Authorization: Bearer <khóa quản trị>.",
            {"WWW-Authenticate": "Bearer"},
        )
    return None


def is_document_change(method: str, path: str) -> bool:
    """Uploads, replacements, deletions and cancellations under /v1/documents (all admin-only)."""
    return method in ("POST", "PUT", "DELETE", "PATCH") and (path == "/v1/documents" or path.startswith("/v1/documents/"))


class AdminGate:
    """Refuse admin-only requests that carry a body before reading a byte of it."""

    def __init__(self, app: ASGIApp, settings: Settings, guarded: Callable[[str, str], bool] = is_document_change) -> None:
        self.app = app
        self.settings = settings
        self.guarded = guarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.guarded(scope["method"], scope["path"]):
            authorization = next(
                (value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"authorization"), None
            )
            error = admin_error(self.settings, authorization)
            if error is not None:
                await send_error(send, error.status, error.code, error.message, {**error.headers, "Connection": "close"})
                return
        await self.app(scope, receive, send)
