"""The embeddable widget: ``/widget.js`` for the host page and ``/embed``, the chat page it frames.

``/embed`` is the ordinary chat page with one difference: its CSP lets the origins in
``HOIDAP_WIDGET_ORIGINS`` (and the service itself) frame it; everywhere else framing stays forbidden.
"""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.responses import FileResponse

from hoidap.api.deps import SettingsDep
from hoidap.api.routes.pages import STATIC_DIR

router = APIRouter(include_in_schema=False)

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$")
_EMBED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)


def frame_ancestors(origins: list[str]) -> str:
    """``'self'`` plus each well-formed origin (anything else, e.g. a path or a ``;``, is left out)."""
    allowed = [origin for origin in origins if _ORIGIN.match(origin)]
    return " ".join(["'self'", *allowed])


def embed_csp(origins: list[str]) -> str:
    return _EMBED_CSP.format(ancestors=frame_ancestors(origins))


@router.get("/widget.js")
def widget_script() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/embed")
def embed_page(settings: SettingsDep) -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": embed_csp(settings.widget_origin_list)},
    )
