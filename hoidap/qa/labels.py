"""How documents and their provisions are named to people: the one place that decides.

Every answer, citation and page names a document through :func:`document_label`; a file name
("luat_cu_tru.txt") is used only when the document says nothing better about itself.

>>> # a law as law collections keep it (first line "Luật Cư trú", number known or not)
>>> # document_label(law) == "Luật Cư trú (68/2020/QH14)"
>>> # citation_label(law, ["Chương II", "Điều 8. Điều kiện …", "khoản 2", "điểm a"])
>>> # == "Điều 8, khoản 2, điểm a — Luật Cư trú (68/2020/QH14)"
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hoidap.domain import Document
from hoidap.index.identity import ward_of
from hoidap.profile import type_named

_SHORT_CHARS = 90
_FULL_CHARS = 140
# Types whose title is itself a short name ("Luật Cư trú", "Bộ luật Dân sự", "Hiến pháp").
_NAMED_BY_TITLE = frozenset({"Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh"})
_PROVISION = re.compile(r"^(Phần|Chương|Mục|Tiểu mục|Điều|khoản|điểm)\s+([^\s.]+)", re.IGNORECASE)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _normative_only(doc_type: str | None) -> bool:
    """Legal normative types that never name a party or administrative document."""
    found = type_named(doc_type) if doc_type else None
    return bool(found and found.families == ("normative",))


def _full_title(document: Document) -> str | None:
    """Type plus title as people write it: "Kế hoạch tuyên truyền …", "Công văn V/v …"."""
    meta = document.metadata
    if not meta.title:
        return None
    title = meta.title
    if meta.doc_type and not title.lower().startswith(meta.doc_type.lower()):
        if title.startswith(("V/v", "Về")):
            return f"{meta.doc_type} {title}"
        return f"{meta.doc_type} {title[0].lower()}{title[1:]}"
    return title


def document_label(document: Document, *, short: bool = True) -> str:
    """The name of ``document`` for people: short for a chat line, full for a page heading.

    Laws and codes by their title and number ("Luật Cư trú (68/2020/QH14)", "Bộ luật dân sự");
    numbered documents by type and number ("Công văn số 307-CV/ĐU") when short; a ward's
    unnumbered plan by its ward ("Kế hoạch của phường Bạch Đằng"); else the title, cut.
    """
    meta = document.metadata
    full = _full_title(document)
    if _normative_only(meta.doc_type) and full:
        if meta.doc_type in _NAMED_BY_TITLE or not short:
            name = _cut(full, _SHORT_CHARS if short else _FULL_CHARS)
            return f"{name} ({meta.number})" if meta.number else name
        if meta.number:
            return f"{meta.doc_type} số {meta.number}"
        return _cut(full, _SHORT_CHARS)
    if not short:
        if full:
            return _cut(full, _FULL_CHARS) if len(full) > 400 else full
        return _numbered(document) or meta.doc_type or document.source
    kind = meta.doc_type or "Văn bản"
    if meta.number:
        return f"{kind} số {meta.number}"
    ward = ward_of(document)
    if ward:
        return f"{kind} của phường {ward}"
    label = (full or meta.doc_type or document.source).split(";")[0].strip()
    return _cut(label, _SHORT_CHARS)


def label_from_fields(title: str | None, number: str | None, *, limit: int = _SHORT_CHARS) -> str:
    """The same naming rule when only a citation's fields are at hand (a chat reply built from the
    HTTP API, a past answer in the records): "<type> số <number>" when the number is known, else
    the title to its first clause.

    >>> label_from_fields("Công văn về việc tuyên truyền", "307-CV/ĐU")
    'Công văn số 307-CV/ĐU'
    >>> label_from_fields("Kế hoạch thực hiện Nghị quyết 72; Chương trình 06", None)
    'Kế hoạch thực hiện Nghị quyết 72'
    """
    kind = _type_opening(title)
    if number and kind in _NAMED_BY_TITLE:  # "Luật Cư trú (68/2020/QH14)"
        return f"{_cut(' '.join((title or '').split()), limit)} ({number})"
    if number:
        return f"{kind or 'Văn bản'} số {number}"
    # Titles of plans run to several lines ("Kế hoạch … Nghị quyết số 72-NQ/TW, ngày …; Chương
    # trình …"): the first clause names the document.
    return _cut(" ".join((title or "").split(";")[0].split()), limit) or "Văn bản"


def _type_opening(title: str | None) -> str | None:
    """The document type a title opens with ("Công văn về …" → "Công văn"), from the profile."""
    words = (title or "").split()
    for size in (3, 2, 1):
        found = type_named(" ".join(words[:size])) if len(words) >= size else None
        if found:
            return found.name
    return None


def _numbered(document: Document) -> str | None:
    meta = document.metadata
    return f"{meta.doc_type} số {meta.number}" if meta.doc_type and meta.number else None


def provision_label(section_path: Sequence[str]) -> str | None:
    """The provision a passage sits in, as lawyers cite it: "Điều 8, khoản 2, điểm a".

    Only the article and what is inside it are named (a chapter adds nothing to a citation);
    ``None`` for documents not written in articles.
    """
    parts: list[str] = []
    for element in section_path:
        match = _PROVISION.match(element)
        if not match:
            continue
        level, mark = match.group(1), match.group(2).rstrip(".)")
        if level.lower() == "điều":
            parts = [f"Điều {mark}"]
        elif parts and level.lower() in ("khoản", "điểm"):
            parts.append(f"{level.lower()} {mark}")
    return ", ".join(parts) if parts else None


def citation_label(document: Document, section_path: Sequence[str]) -> str:
    """"Điều 8, khoản 2, điểm a — Luật Cư trú (68/2020/QH14)"; the document alone elsewhere."""
    label = document_label(document)
    provision = provision_label(section_path)
    return f"{provision} — {label}" if provision else label
