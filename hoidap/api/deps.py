"""Dependencies as named aliases, so route signatures read like prose (``serving: ServingDep``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from hoidap.api.auth import admin_error
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
    error = admin_error(settings, authorization)
    if error is not None:
        raise error


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServingDep = Annotated[ServingState, Depends(get_serving)]
RecordsDep = Annotated[Records, Depends(get_records)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
LibraryDep = Annotated[DocumentLibrary, Depends(get_library)]
AdminDep = Annotated[None, Depends(require_admin)]
