"""OpenAPI descriptions of the error responses, shared by the routers."""

from __future__ import annotations

from typing import Any

from hoidap.api.models import ErrorBody


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Không đọc được nội dung gửi lên (không phải UTF-8, hoặc biểu mẫu multipart bị hỏng)",
        401: "Thiếu hoặc sai khóa quản trị",
        403: "Chức năng quản trị đang tắt",
        404: "Không tìm thấy",
        409: "Xung đột với văn bản đã có",
        413: "Nội dung quá lớn",
        415: "Định dạng tệp không hỗ trợ",
        422: "Dữ liệu gửi lên không hợp lệ",
        429: "Quá nhiều yêu cầu",
        503: "Chỉ mục chưa sẵn sàng",
    }
    return {status: {"model": ErrorBody, "description": descriptions.get(status, "Lỗi")} for status in statuses}
