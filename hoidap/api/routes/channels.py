"""HTTP routes of the channels: QR codes (document, question) and the printable document page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from hoidap.api.deps import AdminDep, ContextDep, ServingDep, SettingsDep
from hoidap.api.errors import ApiError
from hoidap.api.routes.responses import errors
from hoidap.api.state import ServingState
from hoidap.channels.document_page import render_document_page
from hoidap.channels.insights import Insights, insights_for, insights_period
from hoidap.channels.insights_page import render_html, render_markdown
from hoidap.channels.links import PublicUrlMissing, document_url, question_url
from hoidap.channels.qr import MAX_SCALE, qr_png
from hoidap.domain import Document

router = APIRouter(tags=["kênh phường"])

ScaleQuery = Annotated[int, Query(ge=1, le=MAX_SCALE, description="Số điểm ảnh cho mỗi ô của mã QR")]
_PNG = {200: {"content": {"image/png": {}}, "description": "Ảnh PNG của mã QR"}}
# Posters are printed once and scanned for months: let browsers and proxies keep the image a day.
_CACHE = {"Cache-Control": "public, max-age=86400"}


def _document(serving: ServingState, doc_id: str) -> Document:
    document = serving.service.document(doc_id)
    if document is None:
        raise ApiError(
            404, "document_not_found", f"Không có văn bản mã “{doc_id}”. Xem danh sách tại /v1/documents."
        )
    return document


def _link(build: Callable[[str | None, str], str], base_url: str | None, value: str) -> str:
    try:
        return build(base_url, value)
    except PublicUrlMissing as error:
        raise ApiError(403, "public_url_not_configured", error.message) from error
    except ValueError as error:
        raise ApiError(403, "public_url_invalid", str(error)) from error


@router.get(
    "/v1/documents/{doc_id}/qr.png", response_class=Response, responses={**_PNG, **errors(403, 404, 429, 503)}
)
def document_qr(doc_id: str, serving: ServingDep, settings: SettingsDep, scale: ScaleQuery = 8) -> Response:
    """Mã QR mở trang in của văn bản (địa chỉ lấy từ HOIDAP_PUBLIC_BASE_URL)."""
    document = _document(serving, doc_id)
    url = _link(document_url, settings.public_base_url, document.doc_id)
    return Response(qr_png(url, scale), media_type="image/png", headers=_CACHE)


@router.get("/qr.png", response_class=Response, responses={**_PNG, **errors(403, 422, 429)})
def question_qr(
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=300, description="Câu hỏi gợi ý, điền sẵn khi quét")],
    scale: ScaleQuery = 8,
) -> Response:
    """Mã QR mở trang hỏi đáp với câu hỏi gợi ý điền sẵn (cho pano, áp phích)."""
    if not q.strip():
        raise ApiError(422, "invalid_request", "Câu hỏi gợi ý (tham số q) không được để trống.")
    url = _link(question_url, settings.public_base_url, q)
    return Response(qr_png(url, scale), media_type="image/png", headers=_CACHE)


@router.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(doc_id: str, serving: ServingDep, settings: SettingsDep) -> HTMLResponse:
    document = _document(serving, doc_id)
    try:
        public_url: str | None = document_url(settings.public_base_url, document.doc_id)
    except (PublicUrlMissing, ValueError):
        public_url = None
    return HTMLResponse(render_document_page(document, public_url))


@router.get(
    "/v1/insights",
    response_model=Insights,
    # format=html and format=markdown answer a page or a document instead of JSON.
    responses={200: {"content": {"text/html": {}, "text/markdown": {}}}, **errors(401, 403, 422, 429)},
)
async def insights(
    _: AdminDep,
    context: ContextDep,
    since: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Từ: 7d, 24h, 2w hoặc ngày ISO 2026-11-16 (mặc định HOIDAP_INSIGHTS_SINCE)",
        ),
    ] = None,
    until: Annotated[str | None, Query(max_length=40, description="Đến (mặc định: bây giờ)")] = None,
    format: Annotated[
        Literal["json", "markdown", "html"], Query(description="json, markdown hoặc html")
    ] = "json",
) -> Insights | PlainTextResponse | HTMLResponse:
    """Người dân hỏi gì: chủ đề theo mục văn bản được trích dẫn, câu chưa trả lời được (gom câu tương tự), đánh giá 👎 kèm góp ý. Không có dữ liệu cá nhân."""
    settings = context.settings
    try:
        start, end = insights_period(since or settings.insights_since, until)
    except ValueError as error:
        raise ApiError(422, "invalid_period", str(error)) from error
    # Grouping by meaning needs the loaded model; while the index loads, shared words only.
    serving = context.holder.current
    service = serving.service if serving is not None else None
    result = await run_in_threadpool(insights_for, context.records, settings, start, end, service)
    if format == "html":
        return HTMLResponse(render_html(result))
    if format == "markdown":
        return PlainTextResponse(render_markdown(result), media_type="text/markdown; charset=utf-8")
    return result
