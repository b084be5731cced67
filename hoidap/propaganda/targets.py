"""The targets table ("chỉ tiêu"): every quantified target in the documents, found by rules.

A target is a figure with a unit (``98%``, ``75,5 tuổi``, ``1,5 cm``, ``68 năm``, ``mỗi năm 01 lần``)
in a clause that states an aim: a comparator word before it (``đạt``, ``trên``, ``ít nhất``,
``tối thiểu``, ``thêm``, ``từ … trở lên``) or the figure opening the clause ("100% học sinh được …").
The year comes from the clause, then its sentence, then the headings above it
("1. Mục tiêu đến năm 2030"). Dated goals without a figure ("+ Đến năm 2035: …") are kept as
``kind="goal"`` rows so that claims about them can be checked too.

Every ``quote`` is ``document.text[start:end]``; nothing is rewritten.

>>> # "e) Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên"
>>> # → metric "độ bao phủ bảo hiểm y tế", scope "toàn dân", comparator ">=", value 98, unit "%", year 2030
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from hoidap.domain import SECTION_SEPARATOR, Document
from hoidap.ingest.chunking import Span, paragraph_spans, sentence_spans
from hoidap.ingest.structure import iter_nodes
from hoidap.qa.service import document_label
from hoidap.vntext import (
    expand_abbreviations,
    expand_colloquial,
    fold_diacritics,
    folded_syllables,
    normalize_text,
)

Comparator = Literal[">=", ">", "=", "+>=", "+"]
COMPARATOR_WORDS: dict[str, str] = {">=": "ít nhất", ">": "trên", "=": "", "+>=": "thêm ít nhất", "+": "thêm"}

# A figure and its unit. "mỗi năm 01 lần" / "mỗi năm một lần" are frequencies.
_WORD_NUMBERS = {"một": "1", "hai": "2", "ba": "3"}
_FIGURE = re.compile(
    r"(?<![\d/,.-])(?P<number>\d+(?:,\d+)?|một|hai|ba)\s?(?P<unit>%|cm|tuổi(?!\s+thọ)|năm|lần)(?![\w])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:(?P<from>từ)\s+|(?P<to>đến)\s+)?năm\s+(?P<year>20\d\d)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|,\s*trong đó,?")
# Comparator words, read just before the figure (longest first).
_COMPARATORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"thêm ít nhất\s*$"), "+>="),
    (re.compile(r"tăng thêm\s*$|thêm\s*$"), "+"),
    (re.compile(r"(ít nhất|tối thiểu)( mỗi năm)?\s*$"), ">="),
    (re.compile(r"(lên )?trên\s*$"), ">"),
    (re.compile(r"đạt từ\s*$|từ\s*$"), ">="),
    (re.compile(r"đạt\s*$"), "="),
]
_GOAL_OPENING = re.compile(
    r"^[\s+*-]*(?:(?:phấn đấu|phần đầu|đảm bảo|bảo đảm)\s+)?đến năm (20\d\d)\s*[:,]?\s*", re.IGNORECASE
)
# Who the target is about, as written in the clause (first match wins).
_SCOPES = [
    r"trẻ em và thanh thiếu niên từ \d+-\d+ tuổi",
    r"trạm y tế phường",
    r"toàn dân",
    r"trên địa bàn",
    r"học sinh",
    r"người có nguy cơ cao mắc bệnh",
    r"trẻ em",
    r"thanh niên",
    r"người dân",
    r"dân số",
]
# "bằng với mức trung bình chung cả nước", "tiệm cận các đô thị phát triển": a level relative to others
_RELATIVE = re.compile(r"\b(?:bằng với mức|bằng mức|ngang bằng|tiệm cận)\b", re.IGNORECASE)
_SCOPE = re.compile("|".join(f"(?:{s})" for s in _SCOPES), re.IGNORECASE)
_LEADING_TIME = re.compile(
    r"^(?:(?:phấn đấu|phần đầu|đảm bảo|thực hiện đồng bộ các giải pháp để phấn đấu)\s+)?(?:đến|từ) năm 20\d\d,?\s*",
    re.IGNORECASE,
)
_LEADING_VERB = re.compile(r"^(?:tăng|duy trì|nâng)\s+", re.IGNORECASE)
# What a metric is about, for grouping the same target stated in several documents.
TOPICS: dict[str, str] = {
    "bao hiem y te": "bảo hiểm y tế",
    "tiem chung": "tiêm chủng",
    "so nam song khoe manh": "số năm sống khỏe mạnh",
    "tuoi tho": "tuổi thọ",
    "chieu cao": "chiều cao",
    "hoat dong the chat": "hoạt động thể chất",
    "kham suc khoe": "khám sức khỏe",
    "kiem tra suc khoe": "kiểm tra sức khỏe",
    "quan ly suc khoe": "quản lý sức khỏe",
}


class Target(BaseModel):
    """One row of the targets table."""

    kind: Literal["quantified", "goal"] = "quantified"
    metric: str  # "độ bao phủ bảo hiểm y tế"
    topic: str | None = None  # "bảo hiểm y tế": what groups the same target across documents
    comparator: Comparator | None = None
    value: float | None = None
    unit: str | None = None  # "%", "tuổi", "cm", "năm", "lần/năm"
    value_text: str | None = None  # verbatim: "98%", "75,5 tuổi", "01 lần"
    display: str | None = None  # "≥ 98%", "trên 75,5 tuổi", "thêm ít nhất 1,5 cm"
    year: int | None = None
    period: str | None = None  # verbatim: "đến năm 2030", "từ năm 2026"
    scope: str | None = None  # verbatim: "toàn dân", "trẻ em và thanh thiếu niên từ 01-18 tuổi"
    doc_id: str
    source: str
    doc_number: str | None = None
    doc_title: str
    section: str
    quote: str  # == document.text[start:end]
    start: int
    end: int
    also_in: list[str] = []  # other sections of the same document stating the same target

    @property
    def group_key(self) -> str:
        """Same key for the same target in two documents (98% BHYT coverage by 2030)."""
        return f"{self.topic or fold_diacritics(self.metric).lower()}|{self.value}|{self.unit}|{self.year}"


def section_path(document: Document, offset: int) -> tuple[str, ...]:
    best: tuple[str, ...] = ()
    if document.sections is None:
        return best
    for path, node in iter_nodes(document.sections):
        if node.start <= offset < max(node.end, node.start + 1) and len(path) > len(best):
            best = path
    return best


def _clauses(text: str, sentence: Span) -> list[Span]:
    spans: list[Span] = []
    cursor = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        spans.append(Span(cursor, match.start()))
        cursor = match.end()
    spans.append(Span(cursor, sentence.end))
    out = []
    for span in spans:
        start, end = span.start, span.end
        while start < end and text[start] in " \t\n,.":
            start += 1
        label = re.match(r"[a-zđ]\)\s+", text[start:end])  # "e) Đến năm 2030 …": the item label is no part
        if label:
            start += label.end()
        while end > start and text[end - 1] in " \t\n,.;:":
            end -= 1
        if end > start:
            out.append(Span(start, end))
    return out


def _number(raw: str) -> float:
    return float(_WORD_NUMBERS.get(raw.lower(), raw).replace(",", "."))


def _year_in(text: str) -> tuple[int, str] | None:
    match = _YEAR.search(text)
    if match:
        return int(match.group("year")), match.group(0)
    return None


def _topic(text: str) -> str | None:
    folded = fold_diacritics(text).lower()
    for key, topic in TOPICS.items():
        if key in folded:
            return topic
    return None


def _display(comparator: str, value_text: str, unit: str, frequency: bool) -> str:
    figure = value_text if not frequency else f"{value_text} lần/năm"
    if unit == "%" or frequency:
        sign = {">=": "≥ ", ">": "> ", "=": "", "+>=": "+≥ ", "+": "+"}[comparator]
        return f"{sign}{figure}"
    words = COMPARATOR_WORDS[comparator]
    return f"{words} {figure}".strip()


def _metric(clause: str, figure_at: int, figure_end: int, comparator_at: int, scope: str | None) -> str:
    """The clause's wording of what is measured: before the comparator, or after a leading figure."""
    if figure_at <= 2 or comparator_at <= 2:  # "100% học sinh được kiểm tra sức khỏe định kỳ"
        metric = clause[figure_end:]
    else:
        metric = clause[:comparator_at]
    metric = re.sub(r"^[a-zđ]\)\s*", "", metric.strip(" ,:"))
    metric = _LEADING_TIME.sub("", metric)
    metric = _LEADING_VERB.sub("", metric)
    metric = re.sub(r"\s+(đạt|lên|được|cho người dân)$", "", metric.strip(" ,"))
    if scope:
        for pattern in (f" của {scope}", f" tại {scope}", f" {scope}", f"{scope} được ", f"{scope} "):
            if pattern in metric:
                metric = metric.replace(pattern, " ", 1)
                break
    metric = re.sub(r"\s+", " ", metric).strip(" ,")
    return metric[:1].lower() + metric[1:] if metric[:2] != metric[:2].upper() else metric


def extract_targets(document: Document) -> list[Target]:
    """Every target of one document, in reading order, each stated once (repeats go to ``also_in``)."""
    text = document.text
    title = document_label(document, short=False)
    rows: list[Target] = []
    for paragraph in paragraph_spans(text, 0, len(text)):
        paragraph_text = text[paragraph.start : paragraph.end]
        goal = _GOAL_OPENING.match(paragraph_text)
        paragraph_goal = bool(goal) and not _FIGURE.search(paragraph_text)
        paragraph_year: tuple[int, str] | None = None
        if goal and paragraph_goal:
            row = _goal(goal, paragraph, text, _common(document, title, paragraph.start))
            rows.append(row)
            paragraph_year = (row.year, row.period or "") if row.year else None
        carried: tuple[int, str] | None = paragraph_year  # a year stated before a ";" holds for what follows
        for sentence in sentence_spans(text, paragraph):
            sentence_text = text[sentence.start : sentence.end]
            path = section_path(document, sentence.start)
            common = _common(document, title, sentence.start)
            own_year = _year_in(sentence_text)
            context = (path, sentence_text, carried)
            sentence_goal = None if paragraph_goal else _GOAL_OPENING.match(sentence_text)
            if sentence_goal and not _FIGURE.search(sentence_text):  # "Đảm bảo đến năm 2030, người dân …"
                rows.append(_goal(sentence_goal, sentence, text, common))
            for clause in _clauses(text, sentence):
                clause_text = text[clause.start : clause.end]
                for figure in _FIGURE.finditer(clause_text):
                    target = _quantified(figure, clause, clause_text, context, common)
                    if target is not None:
                        rows.append(target)
                relative = _RELATIVE.search(clause_text)
                if relative and not _FIGURE.search(clause_text):
                    rows.append(_relative(relative, clause, clause_text, context, common))
            carried = (own_year or carried) if sentence_text.rstrip().endswith(";") else paragraph_year
    return _merge_repeats(rows)


def _common(document: Document, title: str, offset: int) -> dict[str, object]:
    return {
        "doc_id": document.doc_id,
        "source": document.source,
        "doc_number": document.metadata.number,
        "doc_title": title,
        "section": SECTION_SEPARATOR.join(section_path(document, offset)),
    }


def _quantified(
    figure: re.Match[str],
    clause: Span,
    clause_text: str,
    context: tuple[tuple[str, ...], str, tuple[int, str] | None],
    common: dict[str, object],
) -> Target | None:
    """A target from one figure of a clause, or None when the figure states no aim (a period, an age range)."""
    path, sentence_text, carried = context
    unit = figure.group("unit").lower()
    number = figure.group("number")
    before = clause_text[: figure.start()]
    if unit == "tuổi" and re.search(r"\d+-\s*$", before):
        return None  # the upper end of an age range ("từ 01-18 tuổi") is a scope, not a target
    frequency = unit == "lần" and bool(re.search(r"mỗi năm\s*$", before))
    if unit == "lần" and not frequency:
        return None
    if frequency:
        before = before[: re.search(r"mỗi năm\s*$", before).start()]  # type: ignore[union-attr]
    comparator, comparator_at = None, figure.start()
    for pattern, sign in _COMPARATORS:
        match = pattern.search(before)
        if match:
            comparator, comparator_at = sign, match.start()
            break
    if comparator is None:
        if before.strip(" +-*"):  # a figure in running text without an aim word before it
            return None
        comparator = "="  # the figure opens the clause: "100% học sinh được …"
    if not number[0].isdigit() and unit != "lần":
        return None
    after = clause_text[figure.end() :]
    if comparator in ("=", ">=") and re.match(r"\s*trở lên", after):
        comparator = ">="
    if unit == "năm" and comparator == "=":
        return None  # "hằng năm, 5 năm, 10 năm" are periods
    scope_match = _SCOPE.search(clause_text)
    scope = scope_match.group(0) if scope_match else None
    metric = _metric(clause_text, figure.start(), figure.end(), comparator_at, scope)
    year = _context_year(path, sentence_text, clause_text, carried)
    value_text = figure.group(0)
    return Target(
        metric=metric,
        topic=_topic(metric) or _topic(clause_text),
        comparator=comparator,  # type: ignore[arg-type]
        value=_number(number),
        unit="lần/năm" if frequency else unit,
        value_text=value_text,
        display=_display(comparator, value_text if not frequency else number, unit, frequency),
        year=year[0] if year else None,
        period=year[1] if year else None,
        scope=scope,
        quote=clause_text,
        start=clause.start,
        end=clause.end,
        **common,
    )


def _context_year(
    path: tuple[str, ...], sentence_text: str, clause_text: str, carried: tuple[int, str] | None
) -> tuple[int, str] | None:
    """The clause's year, else its sentence's, else one carried over a ";", else the headings'."""
    for text in (clause_text, sentence_text):
        found = _year_in(text)
        if found:
            return found
    if carried:
        return carried
    for label in reversed(path):
        found = _year_in(label)
        if found:
            return found
    return None


def _relative(
    match: re.Match[str],
    clause: Span,
    clause_text: str,
    context: tuple[tuple[str, ...], str, tuple[int, str] | None],
    common: dict[str, object],
) -> Target:
    """A level set against another ("chiều cao … bằng với mức trung bình chung cả nước"): no figure, a goal."""
    path, sentence_text, carried = context
    year = _context_year(path, sentence_text, clause_text, carried)
    metric = clause_text[: match.start()].strip(" ,")
    return Target(
        kind="goal",
        metric=metric[:1].lower() + metric[1:],
        topic=_topic(metric),
        display=clause_text[match.start() :].strip(),
        year=year[0] if year else None,
        period=year[1] if year else None,
        quote=clause_text,
        start=clause.start,
        end=clause.end,
        **common,
    )


def _goal(goal: re.Match[str], paragraph: Span, text: str, common: dict[str, object]) -> Target:
    """A dated goal without a figure: quoted up to the end of its first sentence after the year."""
    body_start = paragraph.start + goal.end()
    first = sentence_spans(text, Span(body_start, paragraph.end))[0]
    end = first.end
    while end > first.start and text[end - 1] in ".;:,":
        end -= 1
    metric = re.split(r"[;]", text[body_start:end], maxsplit=1)[0].strip()
    start = paragraph.start + len(goal.group(0)) - len(goal.group(0).lstrip(" +*-"))
    quote_year = _YEAR.search(text, paragraph.start, body_start)
    return Target(
        kind="goal",
        metric=metric,
        topic=_topic(metric),
        year=int(goal.group(1)),
        period=quote_year.group(0) if quote_year else None,
        quote=text[start:end],
        start=start,
        end=end,
        **common,
    )


def _merge_repeats(rows: list[Target]) -> list[Target]:
    """The same figure for the same topic twice in one document ("98%" in II.1.e and III.4) is one row."""
    kept: list[Target] = []
    for row in rows:
        twin = next(
            (
                k
                for k in kept
                if k.kind == row.kind == "quantified"
                and k.doc_id == row.doc_id
                and k.topic is not None
                and k.topic == row.topic
                and (k.value, k.unit) == (row.value, row.unit)
                and (k.year is None or row.year is None or k.year == row.year)
            ),
            None,
        )
        if twin is None:
            kept.append(row)
        else:
            twin.also_in.append(row.section)
    return kept


def extract_all(documents: dict[str, Document]) -> list[Target]:
    """Targets of every document, documents in id order."""
    rows: list[Target] = []
    for doc_id in sorted(documents):
        rows.extend(extract_targets(documents[doc_id]))
    return rows


def filter_targets(rows: list[Target], query: str | None = None, year: int | None = None) -> list[Target]:
    """Rows whose metric, scope or quote contains every word of ``query`` (diacritics optional), of ``year``."""
    out = rows
    if year is not None:
        out = [r for r in out if r.year == year]
    if query and query.strip():
        variants = _query_variants(expand_colloquial(expand_abbreviations(query)))
        out = [r for r in out if any(_contains_words(r, v) for v in variants)]
    return out


def _query_variants(expanded: str) -> list[list[str]]:
    """The words of the query and of each expansion in parentheses ("BHYT (bảo hiểm y tế)")."""
    inside = re.findall(r"\(([^()]*)\)", expanded)
    outside = re.sub(r"\([^()]*\)", " ", expanded)
    variants = [outside] + [part for group in inside for part in group.split(";")]
    out = []
    for variant in variants:
        words = folded_syllables(variant)
        if words:
            out.append(words)
    return out


def _contains_words(row: Target, words: list[str]) -> bool:
    haystack = (
        " "
        + " ".join(
            fold_diacritics(normalize_text(t)).lower() for t in (row.metric, row.scope or "", row.quote)
        )
        + " "
    )
    haystack = re.sub(r"[^\w%]+", " ", haystack)
    return all(f" {w} " in haystack or (w.isdigit() and w in haystack) for w in words)


def group_targets(rows: list[Target]) -> dict[str, list[Target]]:
    groups: dict[str, list[Target]] = {}
    for row in rows:
        groups.setdefault(row.group_key, []).append(row)
    return groups
