"""Dependencies as named aliases, so route signatures read like prose (``serving: ServingDep``)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from hoidap.api.errors import ApiError
from hoidap.api.library import DocumentLibrary
from hoidap.api.metrics import Metrics
from hoidap.api.state import ServiceHolder, ServingState
from hoidap.records import Records
from hoidap.settings import Settings


@dataclass
class AppContext:
    """Everything the routes share, created once per app (``app.state.context``)."""

    settings: Settings
    holder: ServiceHolder
    records: Records
    library: DocumentLibrary
    metrics: Metrics


def get_context(request: Request) -> AppContext:
    return request.app.state.context


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_settings(context: ContextDep) -> Settings:
    return context.settings


def get_serving(context: ContextDep) -> ServingState:
    """The index version this request works with, read once (an index swap never changes it mid-request)."""
    current = context.holder.current
    if current is None:
        detail = f" ({context.holder.loading_error})" if context.holder.loading_error else ""
        raise ApiError(
            503,
            "index_not_ready",
            f"Dịch vụ đang nạp chỉ mục văn bản, chưa sẵn sàng trả lời{detail}. Hãy thử lại sau ít phút.",
            {"Retry-After": "10"},
        )
    return current


def get_records(context: ContextDep) -> Records:
    return context.records


def get_metrics(context: ContextDep) -> Metrics:
    return context.metrics


def get_library(context: ContextDep) -> DocumentLibrary:
    return context.library


def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header(description="Bearer <HOIDAP_ADMIN_TOKEN>")] = None,
) -> None:
    """Admin endpoints are disabled (403) unless HOIDAP_ADMIN_TOKEN is set; then a matching Bearer token is needed."""
    if settings.admin_token is None or not settings.admin_token.get_secret_value():
        raise ApiError(
            403,
            "admin_disabled",
            "Chức năng quản trị đang tắt vì chưa cấu hình khóa quản trị. "
            "Quản trị viên hãy đặt biến môi trường HOIDAP_ADMIN_TOKEN rồi khởi động lại dịch vụ.",
        )
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.admin_token.get_secret_value().encode("utf-8")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode("utf-8"), expected):
        raise ApiError(
            401,
            "admin_unauthorized",
            "Thiếu hoặc sai khóa quản trị. Gửi kèm tiêu đề Authorization: Bearer <khóa quản trị>.",
            {"WWW-Authenticate": "Bearer"},
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServingDep = Annotated[ServingState, Depends(get_serving)]
RecordsDep = Annotated[Records, Depends(get_records)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
LibraryDep = Annotated[DocumentLibrary, Depends(get_library)]
AdminDep = Annotated[None, Depends(require_admin)]
