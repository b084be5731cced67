"""Public links printed on posters and QR codes, always built from the configured public address.

The address never comes from the request (a Host header can be forged, and a poster outlives the
proxy in front of the service): it is ``HOIDAP_PUBLIC_BASE_URL``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from hoidap.settings import normalise_base_url as settings_base_url


class PublicUrlMissing(RuntimeError):
    """No public address is configured, so no link can be printed."""

    message = (
        "Chưa cấu hình địa chỉ công khai của dịch vụ. Quản trị viên hãy đặt biến môi trường "
        "HOIDAP_PUBLIC_BASE_URL (ví dụ https://hoidap.phuong.gov.vn) rồi khởi động lại."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


def normalise_base_url(base_url: str | None) -> str:
    """The configured public address, normalised; :class:`PublicUrlMissing` when there is none."""
    if not base_url or not base_url.strip():
        raise PublicUrlMissing()
    return settings_base_url(base_url)


def document_url(base_url: str | None, doc_id: str) -> str:
    """The printable page of a document: ``<base>/documents/<doc_id>``."""
    return f"{normalise_base_url(base_url)}/documents/{quote(doc_id, safe='')}"


def question_url(base_url: str | None, question: str) -> str:
    """The chat page with the question filled in: ``<base>/?q=<question>``."""
    return f"{normalise_base_url(base_url)}/?{urlencode({'q': question.strip()})}"
