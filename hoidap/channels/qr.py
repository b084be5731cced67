"""QR code images (segno): a PNG for a link, and the module matrix for checking what was encoded."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from hoidap.optional import require

if TYPE_CHECKING:
    import segno

# Medium error correction survives a poster's creases and a little dirt; the quiet zone of four
# modules is what phone scanners expect.
_ERROR = "m"
_BORDER = 4
MAX_SCALE = 40


def qr_code(url: str) -> segno.QRCode:
    return require("segno", "Mã QR").make_qr(url, error=_ERROR, boost_error=False)


def qr_png(url: str, scale: int = 8) -> bytes:
    """A black-on-white PNG of the QR code for ``url``; ``scale`` pixels per module (1 … 40)."""
    scale = max(1, min(MAX_SCALE, scale))
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=_BORDER, dark="#000", light="#fff")
    return buffer.getvalue()


def qr_side_pixels(url: str, scale: int = 8) -> int:
    """Width (= height) in pixels of :func:`qr_png`'s image."""
    symbol_width, _ = qr_code(url).symbol_size(scale=1, border=_BORDER)
    return symbol_width * max(1, min(MAX_SCALE, scale))
