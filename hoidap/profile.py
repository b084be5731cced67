"""The profile of Vietnamese official documents, read from ``hoidap/data/document_profile.toml``.

One place says which document types exist (Nghị định 30/2020/NĐ-CP administrative types, the
legal normative types, party types per Hướng dẫn 36-HD/VPTW), the codes inside their numbers,
number patterns, heading levels and header/signature cues. Ingest, qa, references and speech all
read it here instead of keeping their own lists. It sits at the ground floor with ``vntext``:
it imports nothing else of the app.

>>> type_by_code("NĐ").name
'Nghị định'
>>> type_named("nghi dinh").name
'Nghị định'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from hoidap.vntext import fold_diacritics


@dataclass(frozen=True)
class DocumentType:
    name: str  # "Nghị định"
    codes: tuple[str, ...]  # ("NĐ",)
    families: tuple[str, ...]  # ("normative",)
    aliases: tuple[str, ...] = ()

    @property
    def folded(self) -> str:
        """The name without diacritics, lower case: ``nghi dinh``."""
        return fold_diacritics(self.name).lower()

    @property
    def code(self) -> str | None:
        return self.codes[0] if self.codes else None

    @property
    def normative(self) -> bool:
        return "normative" in self.families


@dataclass(frozen=True)
class HeadingLevel:
    kind: str  # "article", "clause", "part", …
    depth: int  # 1 = outermost
    pattern: re.Pattern[str]
    label: str = ""  # "Điều", "khoản" — how a path names this level


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("hoidap.data").joinpath("document_profile.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def document_types() -> tuple[DocumentType, ...]:
    """Every type, longest name first (so "Chương trình hành động" wins over "Chương trình")."""
    types = [
        DocumentType(
            name=entry["name"],
            codes=tuple(entry.get("codes", ())),
            families=tuple(entry.get("families", ())),
            aliases=tuple(entry.get("aliases", ())),
        )
        for entry in _raw()["types"]
    ]
    return tuple(sorted(types, key=lambda t: -len(t.name)))


def type_names() -> tuple[str, ...]:
    """Type names, longest first: ``("Chương trình hành động", …, "Luật")``."""
    return tuple(t.name for t in document_types())


@cache
def _by_code() -> dict[str, DocumentType]:
    table: dict[str, DocumentType] = {}
    # Shorter (more general) names first, so a code shared by two types ("CTr") maps to the
    # general one ("Chương trình") only when nothing more specific claimed it first … except that
    # the file order is the authority: the first type listing a code owns it.
    for entry in _raw()["types"]:
        found = next(t for t in document_types() if t.name == entry["name"])
        for code in found.codes:
            table.setdefault(code.upper(), found)
    return table


def type_by_code(code: str) -> DocumentType | None:
    """The type a number's code stands for: ``QĐ`` → Quyết định, ``NĐ`` → Nghị định."""
    return _by_code().get(code.strip().upper())


@cache
def _by_folded() -> dict[str, DocumentType]:
    table: dict[str, DocumentType] = {}
    for entry in document_types():
        table.setdefault(entry.folded, entry)
        for alias in entry.aliases:
            table.setdefault(fold_diacritics(alias).lower(), entry)
    return table


def type_named(name: str) -> DocumentType | None:
    """The type called ``name`` (any casing, with or without diacritics)."""
    return _by_folded().get(fold_diacritics(re.sub(r"\s+", " ", name)).lower().strip())


def folded_type_alternation(include_codes: bool = True) -> str:
    """A regex alternation of folded type names (and lower-case codes), longest first, for
    matching questions after ``fold_diacritics(...).lower()``: ``chuong trinh hanh dong|…|nq``."""
    names = sorted({t.folded for t in document_types()}, key=lambda s: (-len(s), s))
    if include_codes:
        codes = sorted({fold_diacritics(c).lower() for t in document_types() for c in t.codes}, key=lambda s: (-len(s), s))
        names += [c for c in codes if c not in names]
    return "|".join(re.escape(n) for n in names)


def type_alternation() -> str:
    """A case-insensitive-ready alternation of type names as written, longest first."""
    return "|".join(re.escape(name) for name in type_names())


def code_of(type_name: str) -> str | None:
    """Folded lower-case code of a type name: "Nghị quyết" → ``nq``."""
    found = type_named(type_name)
    return fold_diacritics(found.code).lower() if found and found.code else None


@cache
def heading_levels(layout: str) -> tuple[HeadingLevel, ...]:
    """Heading levels of a layout (``legal`` or ``plan``), outermost first, depth from 1."""
    entries = _raw()["headings"][layout]
    return tuple(
        HeadingLevel(kind=e["kind"], depth=i + 1, pattern=re.compile(e["pattern"]), label=e.get("label", ""))
        for i, e in enumerate(entries)
    )


def level_label(kind: str) -> str:
    """How a path names a legal level: ``article`` → "Điều", ``clause`` → "khoản"."""
    return next((level.label for level in heading_levels("legal") if level.kind == kind), "")


def issuer_codes() -> dict[str, str]:
    """Codes of issuing bodies ("TW" → "trung ương")."""
    return dict(_raw()["issuers"])


def number_pattern(style: str) -> str:
    """The regex source of a number style: ``party``, ``state``, ``law`` or ``line_prefix``."""
    return str(_raw()["numbers"][style])


def question_setting(name: str) -> tuple[str, ...]:
    """Question-side lists: ``short_codes``, ``named_after_what_they_implement``."""
    return tuple(_raw()["questions"][name])


@cache
def question_type_codes() -> dict[str, str]:
    """How questions name a document's type, folded, each mapped to its folded code: the names
    people put before a number ("nghi quyet" → ``nq``, "luat" → ``qh``) and the codes they type
    ("kh" → ``kh``). Longest first, so a regex alternation of the keys prefers "chuong trinh hanh
    dong" to "chuong trinh"."""
    numbered = set(question_setting("numbered_types"))
    table = {t.folded: fold_diacritics(t.code).lower() for t in document_types() if t.code and t.name in numbered}
    for code in question_setting("short_codes"):
        folded = fold_diacritics(code).lower()
        table.setdefault(folded, folded)
    return dict(sorted(table.items(), key=lambda item: (-len(item[0]), item[0])))


def question_type_alternation() -> str:
    """A regex alternation of :func:`question_type_codes`' keys, longest first."""
    return "|".join(re.escape(name) for name in question_type_codes())


@cache
def referring_nouns(codes: bool = True) -> str:
    """A regex alternation (folded, longest first) of the types a question points back at or opens
    with ("ke hoach", "luat", …) and, with ``codes``, the short codes people type ("kh", "nq").

    >>> "luat" in referring_nouns().split("|")
    True
    """
    names = {fold_diacritics(name).lower() for name in question_setting("referring_types")}
    if codes:
        names |= {fold_diacritics(code).lower() for code in question_setting("short_codes")}
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


def cues(name: str) -> tuple[str, ...]:
    """Header/signature cues: ``motto``, ``preamble``, ``enacting``, ``authority``, ``effective`` …"""
    return tuple(_raw()["cues"][name])
