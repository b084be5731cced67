"""The printable page of one document: title, number, date, issuer, section tree, text and its QR code.

Everything taken from the document is HTML-escaped; the page has no script and its only style
sheet is our own file (the service's CSP allows nothing inline).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from hoidap.domain import Document, SectionNode
from hoidap.qa.service import document_label

_MAX_DEPTH = 6


def _date(document: Document) -> str | None:
    meta = document.metadata
    if meta.date_text:
        return meta.date_text
    if meta.date and meta.date_precision == "day":
        year, month, day = meta.date.split("-")
        return f"{int(day):02d}/{int(month):02d}/{year}"
    return meta.date


def _tree(node: SectionNode, depth: int = 0) -> str:
    if not node.children or depth >= _MAX_DEPTH:
        return ""
    items = []
    for child in node.children:
        if child.kind in ("bullet", "paren"):
            continue
        items.append(f"<li>{escape(child.label)}{_tree(child, depth + 1)}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def render_document_page(document: Document, public_url: str | None) -> str:
    """The page as HTML. ``public_url``: the link the QR code opens (``None``: no public address set)."""
    meta = document.metadata
    title = document_label(document, short=False)
    facts = [
        ("Loại văn bản", meta.doc_type),
        ("Số", meta.number or meta.number_raw),
        ("Ngày", _date(document)),
        ("Cơ quan ban hành", meta.issuer),
        ("Người ký", " ".join(part for part in (meta.signer_position, meta.signer_name) if part) or None),
    ]
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in facts if value)
    quoted_id = quote(document.doc_id, safe="")
    if public_url:
        qr = (
            f'<figure class="qr"><img src="/v1/documents/{quoted_id}/qr.png?scale=5" width="200" height="200" '
            f'alt="Mã QR tài liệu"><figcaption>Mã QR tài liệu<br><span class="url">{escape(public_url)}</span>'
            "</figcaption></figure>"
        )
    else:
        qr = '<p class="note">Chưa có mã QR: chưa cấu hình địa chỉ công khai (HOIDAP_PUBLIC_BASE_URL).</p>'
    tree = _tree(document.sections) if document.sections else ""
    outline = f'<nav class="outline"><h2>Mục lục</h2>{tree}</nav>' if tree else ""
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/static/document.css">\n'
        "</head>\n<body>\n<main>\n"
        f'<header class="doc-head"><div><h1>{escape(title)}</h1><dl>{rows}</dl></div>{qr}</header>\n'
        f"{outline}\n"
        f'<section class="doc-text"><h2>Toàn văn</h2><pre>{escape(document.text)}</pre></section>\n'
        '<p class="back"><a href="/">Hỏi đáp về văn bản này</a></p>\n'
        "</main>\n</body>\n</html>\n"
    )
