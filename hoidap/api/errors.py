"""Every error leaves the service as ``{"error": {"code", "message"}}`` with a Vietnamese message.

FastAPI's own errors (validation, 404, 405) are translated here too, so a client never has to
handle two error shapes, and the message says what to change.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hoidap.api.models import MAX_QUESTION_CHARS, QUESTION_PATTERN
from hoidap.qa.service import QuestionRejected
from hoidap.vntext import strip_format_characters

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with its HTTP status, a stable ``code`` for programs and a ``message`` for people."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=dict(headers or {}))


# ------------------------------------------------------------------------------------ text checks
def clean_text(value: str, field: str, code: str = "text_invalid") -> str:
    """NFC-normalise user text and refuse characters no person types.

    Control characters (other than tab and line breaks), lone surrogates and non-characters come
    from binary garbage or broken clients; they are rejected with a 422 instead of travelling on
    to the index, the database and the page. Invisible format characters (zero-width space, bidi
    marks) are removed, not refused: pasted text carries them without the person knowing.
    """
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\t\n\r") or category == "Cs" or char in "\ufffe\uffff":
            raise ApiError(
                422,
                code,
                f"Trường “{field}” chứa ký tự điều khiển hoặc dữ liệu nhị phân. "
                "Hãy gửi văn bản thuần (UTF-8).",
            )
    return unicodedata.normalize("NFC", strip_format_characters(value))


_QUESTION_RE = re.compile(QUESTION_PATTERN)
_FIELD_NOUNS = {"question": "Câu hỏi", "query": "Truy vấn", "topic": "Chủ đề", "claim": "Nhận định"}


def check_question(
    value: str, field: str, max_chars: int = MAX_QUESTION_CHARS, code: str = "question_invalid"
) -> str:
    """The question (or search query) as the analysis gets it, or a 422 naming ``field``.

    Enforces exactly what the OpenAPI schema states for the field (:data:`QUESTION_PATTERN`, at most
    ``max_chars`` characters as sent), with a message for each way to miss it.

    >>> check_question("  b\u200bhyt 2030 ", "query")
    'bhyt 2030'
    """
    noun = _FIELD_NOUNS.get(field, f"Trường “{field}”")
    if len(value) > max_chars:
        raise ApiError(
            422, "question_too_long", f"{noun} quá dài ({len(value)} ký tự). Hãy rút gọn dưới {max_chars} ký tự."
        )
    text = clean_text(value, field, code=code).strip()
    if not text:
        raise ApiError(422, "question_empty", f"{noun} đang trống. Hãy nhập {noun.lower()} của bạn.")
    if not _QUESTION_RE.search(text):
        raise ApiError(
            422, code, f"{noun} không có chữ hoặc số nào (cần ít nhất một chữ cái tiếng Việt, Latinh hoặc chữ số). "
            "Hãy nhập bằng chữ."
        )
    return text


# ------------------------------------------------------------------------------ validation errors
def _location(loc: Sequence[Any]) -> str:
    """The field a person sent: ``("body", "query")`` is the body's field "query", not the URL's."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "nội dung"


# The body each JSON endpoint expects, shown when the body is missing or not an object.
_BODY_EXAMPLES = {
    "/v1/search": '{"query": "…"}',
    "/v1/feedback": '{"answer_id": "…", "helpful": true}',
    "/v1/check": '{"claim": "…"}',
    "/v1/talking-points": '{"topic": "…"}',
}


def body_example(path: str) -> str:
    return _BODY_EXAMPLES.get(path, '{"question": "…"}')


def describe_validation_error(
    errors: Sequence[Mapping[str, Any]], example: str = '{"question": "…"}'
) -> tuple[str, str]:
    """(code, Vietnamese message) for the first problem pydantic found in a request; ``example``
    is the body the endpoint expects."""
    if not errors:
        return "invalid_request", "Yêu cầu không hợp lệ."
    error = errors[0]
    kind = str(error.get("type", ""))
    loc = tuple(error.get("loc", ()))
    field = _location(loc)
    context = error.get("ctx") or {}
    if kind == "json_invalid":
        return "invalid_json", "Nội dung gửi lên không phải JSON hợp lệ. Hãy gửi một đối tượng JSON mã hóa UTF-8."
    if kind == "missing" and loc in (("body",), ()):
        return "missing_body", f"Thiếu nội dung yêu cầu. Hãy gửi một đối tượng JSON, ví dụ {example}."
    if kind == "missing":
        return "missing_field", f"Thiếu trường bắt buộc “{field}”."
    if kind == "extra_forbidden":
        return "unknown_field", f"Trường “{field}” không được hỗ trợ. Hãy bỏ trường này khỏi yêu cầu."
    if kind in ("model_attributes_type", "dict_type", "model_type") or (kind.endswith("_type") and field == "nội dung"):
        return "wrong_type", f"Nội dung phải là một đối tượng JSON, ví dụ {example}."
    if kind in ("string_type", "string_unicode"):
        return "wrong_type", f"Trường “{field}” phải là một chuỗi ký tự."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "wrong_type", f"Trường “{field}” phải là một số nguyên."
    if kind in ("bool_type", "bool_parsing"):
        return "wrong_type", f"Trường “{field}” phải là true hoặc false."
    if kind in ("greater_than_equal", "greater_than"):
        limit = context.get("ge", context.get("gt"))
        return "out_of_range", f"Trường “{field}” phải lớn hơn hoặc bằng {limit}."
    if kind in ("less_than_equal", "less_than"):
        limit = context.get("le", context.get("lt"))
        return "out_of_range", f"Trường “{field}” phải nhỏ hơn hoặc bằng {limit}."
    if kind == "string_too_long":
        return "too_long", f"Trường “{field}” quá dài (tối đa {context.get('max_length')} ký tự)."
    if kind == "string_too_short":
        return "too_short", f"Trường “{field}” quá ngắn (tối thiểu {context.get('min_length')} ký tự)."
    if kind == "string_pattern_mismatch":
        return "invalid_value", f"Trường “{field}” có định dạng không hợp lệ."
    return "invalid_request", f"Giá trị của trường “{field}” không hợp lệ."


_STATUS_ERRORS: dict[int, tuple[str, str]] = {
    # FastAPI raises a bare 400 when the body cannot even be decoded (bytes that are not UTF-8).
    400: ("invalid_body", "Không đọc được nội dung yêu cầu. Hãy gửi JSON hợp lệ, mã hóa UTF-8."),
    401: ("unauthorized", "Cần xác thực để dùng chức năng này."),
    403: ("forbidden", "Bạn không có quyền dùng chức năng này."),
    404: ("not_found", "Không tìm thấy địa chỉ này. Xem các địa chỉ hợp lệ tại /docs."),
    405: ("method_not_allowed", "Phương thức HTTP này không được hỗ trợ ở địa chỉ này. Xem /docs."),
    406: ("not_acceptable", "Định dạng phản hồi yêu cầu không được hỗ trợ; dịch vụ trả về JSON."),
    413: ("body_too_large", "Nội dung gửi lên quá lớn."),
    415: ("unsupported_media_type", "Kiểu nội dung không được hỗ trợ. Hãy gửi JSON (application/json)."),
    429: ("rate_limited", "Bạn gửi quá nhiều yêu cầu. Hãy đợi một lát rồi thử lại."),
}


# -------------------------------------------------------------------------------------- handlers
async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _question_rejected(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QuestionRejected)
    return error_response(422, exc.code, exc.message)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, message = describe_validation_error(exc.errors(), body_example(request.url.path))
    return error_response(422, code, message)


_MULTIPART_400 = (
    "invalid_form",
    "Không đọc được dữ liệu biểu mẫu tải lên (multipart/form-data bị hỏng hoặc thiếu boundary). "
    "Hãy gửi tệp trong trường “file”, ví dụ: curl -F file=@ke-hoach.docx …",
)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _STATUS_ERRORS.get(exc.status_code, ("http_error", "Yêu cầu không thể xử lý."))
    if exc.status_code == 400 and request.headers.get("content-type", "").lower().startswith("multipart/"):
        code, message = _MULTIPART_400
    if exc.status_code >= 500:
        code, message = "server_error", "Máy chủ gặp lỗi. Hãy thử lại sau."
    return error_response(exc.status_code, code, message, getattr(exc, "headers", None))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "server_error", "Máy chủ gặp lỗi không mong muốn. Hãy thử lại sau.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(QuestionRejected, _question_rejected)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
