"""Claim checking: does what someone says match what the documents state?

A verdict is ``supported`` (the documents say this), ``contradicted`` (they state a different
figure, year, document number or actor for the same thing — the reason says what they state) or
``not_found``. Three checks, in order:

1. **Document numbers** ("Nghị quyết 72-NQ/TW của Ban Bí thư"): the date and the issuing body
   written next to the number in the documents ("… 72-NQ/TW, ngày 09/9/2025 của Bộ Chính trị"),
   the signer of a document in the corpus; a number the documents never mention, in a claim whose
   words and date fit another number of the same kind, is a changed number.
2. **Targets** (``targets.py``): the claim's figure and year against the targets on the same
   metric. A target counts as "the same thing" only when its topic is named and most of its
   metric's words are in the claim — never on a vague match.
3. **Passages**: one sentence of the documents holding nearly every word and every figure of the
   claim supports it. Anything else is ``not_found``; so is a claim with words the documents
   never use ("HPV", "xe buýt"), however close the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from hoidap.domain import SECTION_SEPARATOR, Document
from hoidap.ingest.chunking import paragraph_spans, sentence_spans
from hoidap.propaganda.targets import Target, extract_all, section_path
from hoidap.qa.question import STOPWORDS
from hoidap.qa.service import document_title
from hoidap.vntext import (
    ABBREVIATIONS,
    DOC_NUMBER_PATTERN,
    doc_number_key,
    expand_abbreviations,
    expand_colloquial,
    fold_diacritics,
    folded_syllables,
    normalize_text,
    strip_markdown,
)

Verdict = Literal["supported", "contradicted", "not_found"]

# Bodies that issue or are assigned things, longest first so "Thủ tướng Chính phủ" beats "Chính phủ".
ACTORS = sorted(
    [
        "Bộ Chính trị",
        "Ban Bí thư",
        "Ban Chấp hành Trung ương",
        "Thủ tướng Chính phủ",
        "Chính phủ",
        "Quốc hội",
        "Bộ Y tế",
        "Ban Thường vụ Thành ủy",
        "Ban Thường vụ Tỉnh ủy",
        "Ban Thường vụ Đảng ủy",
        "Ban Tuyên giáo và dân vận Thành ủy",
        "Ban Xây dựng Đảng",
        "Hội đồng nhân dân",
        "Ủy ban nhân dân",
    ],
    key=len,
    reverse=True,
)
# Words a claim adds that say nothing about its content ("phải", "sẽ", "theo văn bản").
_CLAIM_FILLER = frozenset(
    """phai se dat den tu nam tren it nhat toi thieu tang them cua do ve la co duoc tro len muc
    ty ti le phan tram so nguoi dan ban hanh yeu cau ngay thang phuong""".split()
)
_FIGURE = re.compile(
    r"(?<![\d/,.-])(?!(?:19|20)\d\d\b)(\d+(?:[.,]\d+)?)\s?(%|phần trăm|cm|tuổi(?!\s+thọ)|năm|lần)(?!\w)",
    re.IGNORECASE,
)
_SPELLED_ONCE = re.compile(r"\b(một|1|01) lần\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d/])(20\d\d)\b")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_KIND_BEFORE = re.compile(
    r"(?:Nghị quyết|Chỉ thị|Chương trình hành động|Chương trình|Công văn|Kết luận|Kế hoạch|Quyết định)"
    r"(?: số)?\s*$"
)
_ISSUED_YEAR = re.compile(
    r"[\s,]*(?:(?:do|của)\s+[^,;]{0,40}?\s*)?(?:ban hành|ký|ra đời|có hiệu lực)?\s*(?:vào\s+|từ\s+)?"
    r"(?:ngày\s+\d{1,2}\s+)?(?:tháng\s+\d{1,2}\s+)?năm\s+(20\d\d)\b",
    re.IGNORECASE,
)
# "chỉ cần đạt 90%", "chỉ có": hedges that say nothing about what is measured
_HEDGE = re.compile(r"\bchi (?:can|co)\b|\bchi (?=dat\b)")
_KIND_WORDS = frozenset(
    "nghi quyet chi thi chuong trinh hanh dong cong van ket luan ke hoach quyet dinh dong chi".split()
)
_ABBREVIATION_KEYS = frozenset(fold_diacritics(k).lower() for k in ABBREVIATIONS)
_UNITS = {"%": "%", "phần trăm": "%", "cm": "cm", "tuổi": "tuổi", "năm": "năm", "lần": "lần/năm"}


class ClaimPassage(BaseModel):
    """A verbatim passage the verdict rests on (``quote == document.text[start:end]``)."""

    doc_id: str
    source: str
    doc_title: str
    doc_number: str | None = None
    section: str = ""
    quote: str
    start: int
    end: int


class ClaimCheck(BaseModel):
    claim: str
    verdict: Verdict
    reason: str  # Vietnamese: what the documents state, or why nothing was found
    mismatches: list[Literal["value", "year", "doc_number", "actor", "date"]] = []
    passages: list[ClaimPassage] = []
    targets: list[Target] = []


@dataclass(frozen=True)
class ParsedClaim:
    text: str
    folded: str  # folded, lower case, abbreviations and everyday words expanded
    terms: frozenset[str]  # content syllables
    figures: tuple[tuple[float, str], ...]  # (value, unit)
    years: tuple[int, ...]
    dates: tuple[str, ...]  # "2025-09-09"
    numbers: tuple[str, ...]  # document-number keys
    actors: tuple[str, ...]
    number_tails: tuple[str, ...] = ()  # what follows each number, up to the next one: its date, its year


def _iso(day: str, month: str, year: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _fold(text: str) -> str:
    return " ".join(folded_syllables(text))


def _actors_in(text: str) -> list[str]:
    folded = " " + _fold(text) + " "
    found: list[str] = []
    for actor in ACTORS:
        key = " " + _fold(actor) + " "
        if key in folded:
            found.append(actor)
            folded = folded.replace(key, " | ")
    return found


def parse_claim(claim: str) -> ParsedClaim:
    text = normalize_text(claim.strip())
    numbers = tuple(doc_number_key(m.group(0)) for m in DOC_NUMBER_PATTERN.finditer(text))
    without_numbers = DOC_NUMBER_PATTERN.sub(" ", text)
    dates = tuple(_iso(*m.groups()) for m in _DATE.finditer(without_numbers))
    without_dates = _DATE.sub(" ", without_numbers)
    figures = [
        (float(m.group(1).replace(",", ".")), _UNITS[m.group(2).lower()])
        for m in _FIGURE.finditer(without_dates)
    ]
    figures = [(v, "lần/năm" if u == "lần/năm" else u) for v, u in figures]
    if not any(u == "lần/năm" for _, u in figures) and _SPELLED_ONCE.search(without_dates):
        figures.append((1.0, "lần/năm"))
    years = tuple(int(y) for y in _YEAR.findall(without_dates))
    expanded = expand_colloquial(expand_abbreviations(without_numbers))
    folded = _HEDGE.sub(" ", _fold(expanded))
    terms = frozenset(
        t
        for t in folded.split()
        if t not in STOPWORDS
        and t not in _CLAIM_FILLER
        and t not in _ABBREVIATION_KEYS
        and not t[0].isdigit()
    )
    found = list(DOC_NUMBER_PATTERN.finditer(text))
    tails = tuple(
        text[m.end() : min(found[i + 1].start() if i + 1 < len(found) else len(text), m.end() + 60)]
        for i, m in enumerate(found)
    )
    return ParsedClaim(
        text, folded, terms, tuple(figures), years, dates, numbers, tuple(_actors_in(text)), tails
    )


@dataclass
class _Mention:
    """A document number as written somewhere in the corpus, with what is said next to it."""

    document: Document
    start: int
    end: int  # end of the context: up to the next ";" or line end
    date: str | None
    issuer: str | None
    number_at: int  # where the number itself starts


class ClaimChecker:
    """Checks claims against parsed documents and their targets; no index or embedder needed."""

    def __init__(self, documents: dict[str, Document], targets: list[Target] | None = None) -> None:
        self.documents = documents
        self.targets = targets if targets is not None else extract_all(documents)
        self.sentences: list[tuple[Document, int, int, frozenset[str], frozenset[str]]] = []
        vocabulary: set[str] = set()
        for doc_id in sorted(documents):
            document = documents[doc_id]
            text = document.text
            for paragraph in paragraph_spans(text, 0, len(text)):
                for sentence in sentence_spans(text, paragraph):
                    units = folded_syllables(
                        strip_markdown(expand_abbreviations(text[sentence.start : sentence.end]))
                    )
                    bigrams = frozenset(f"{a}_{b}" for a, b in zip(units, units[1:], strict=False))
                    self.sentences.append((document, sentence.start, sentence.end, frozenset(units), bigrams))
                    vocabulary.update(units)
        self.vocabulary = frozenset(vocabulary)
        self.mentions = self._mentions()

    # ------------------------------------------------------------------ public
    def check(self, claim: str) -> ClaimCheck:
        parsed = parse_claim(claim)
        unknown = sorted(t for t in parsed.terms if t not in self.vocabulary)
        if parsed.numbers:
            result = self._check_numbers(parsed, unknown)
            if result is not None:
                return result
        if unknown:
            return ClaimCheck(
                claim=claim,
                verdict="not_found",
                reason="Các văn bản không nhắc đến: " + ", ".join(unknown) + ".",
            )
        result = self._check_targets(parsed)
        if result is not None:
            return result
        return self._check_passages(parsed)

    # ------------------------------------------------------------------ document numbers
    def _mentions(self) -> dict[str, list[_Mention]]:
        found: dict[str, list[_Mention]] = {}
        for doc_id in sorted(self.documents):
            document = self.documents[doc_id]
            text = document.text
            for match in DOC_NUMBER_PATTERN.finditer(text):
                line_end = text.find("\n", match.end())
                line_end = len(text) if line_end < 0 else line_end
                semicolon = text.find(";", match.end(), line_end)
                end = min(line_end, semicolon if semicolon >= 0 else line_end, match.end() + 300)
                after = text[match.end() : end]
                date_match = _DATE.search(after[:40])
                date = _iso(*date_match.groups()) if date_match else None
                head = after[date_match.end() :] if date_match else after
                issuer_match = re.match(r"[\s,]*(?:\([^)]*\)\s*)?của\s+(.{0,60})", head)
                issuer = None
                if issuer_match:
                    actors = _actors_in(issuer_match.group(1))
                    issuer = actors[0] if actors else None
                kind = _KIND_BEFORE.search(text, max(0, match.start() - 40), match.start())
                start = kind.start() if kind else match.start()  # quote "Nghị quyết số 72-NQ/TW …"
                found.setdefault(doc_number_key(match.group(0)), []).append(
                    _Mention(document, start, end, date, issuer, match.start())
                )
        return found

    def _own_document(self, key: str) -> Document | None:
        for document in self.documents.values():
            if document.metadata.number and doc_number_key(document.metadata.number) == key:
                return document
        return None

    def _check_numbers(self, parsed: ParsedClaim, unknown: list[str]) -> ClaimCheck | None:
        passages: list[ClaimPassage] = []
        context_terms: set[str] = set()
        attributed_years: set[int] = set()
        for key, tail in zip(parsed.numbers, parsed.number_tails, strict=False):
            mentions = self.mentions.get(key, [])
            if not mentions:
                replacement = self._replaced_number(parsed, key)
                if replacement is not None:
                    return replacement
                return ClaimCheck(
                    claim=parsed.text,
                    verdict="not_found",
                    reason=f"Các văn bản không nhắc đến văn bản số {key.upper()}.",
                )
            passages.extend(self._passage(m.document, m.start, m.end) for m in mentions[:2])
            for m in mentions:
                context_terms.update(
                    _fold(m.document.text[max(0, m.start - 40) : m.end]).replace("%", "").split()
                )
            claim_dates = {_iso(*d.groups()) for d in _DATE.finditer(tail)}
            issued_in = _ISSUED_YEAR.match(tail)  # "72-NQ/TW ban hành năm 2024", not "… tăng 10% từ năm 2026"
            claim_years = {int(issued_in.group(1))} if issued_in else set()
            attributed_years |= claim_years
            dates = {m.date for m in mentions if m.date}
            issuers = {m.issuer for m in mentions if m.issuer}
            own = self._own_document(key)
            if own is not None and own.metadata.date:
                dates.add(own.metadata.date)
            label = self._written(mentions[0])
            if claim_dates and dates and not claim_dates & dates:
                return self._contradicted(
                    parsed, "date", f"Các văn bản ghi {label} ngày {_vn_dates(dates)}.", passages
                )
            if claim_years and dates and not claim_years & {int(d[:4]) for d in dates}:
                return self._contradicted(
                    parsed, "year", f"Các văn bản ghi {label} ngày {_vn_dates(dates)}.", passages
                )
            issuing = [a for a in parsed.actors if not self._is_claim_context_actor(parsed, a, key)]
            if issuing and issuers and not set(issuing) & issuers:
                return self._contradicted(
                    parsed, "actor", f"Các văn bản ghi {label} là của {', '.join(sorted(issuers))}.", passages
                )
            signer = own.metadata.signer_name if own is not None else None
            named = self._signer_named(parsed)
            if own is not None and signer and named and _fold(named) != _fold(signer):
                passages.insert(0, self._signature_passage(own))
                return self._contradicted(parsed, "actor", f"{label} do đồng chí {signer} ký.", passages)
            if own is not None:
                context_terms.update(_fold(document_title(own) + " " + (signer or "")).split())
        # Whatever else the claim says must be what the documents write around these numbers.
        named_words = set(_fold(" ".join(parsed.actors)).split()) | _KIND_WORDS
        rest = parsed.terms - named_words
        if rest and len(rest & context_terms) / len(rest) < 0.6:
            return None
        # a figure or a year the claim gives besides the numbers' own dates must be written next to them too
        stated = {int(d[:4]) for d in parsed.dates} | attributed_years
        loose_years = {str(y) for y in parsed.years if y not in stated}
        loose_figures = {_figure_token(v, u).rstrip("%") for v, u in parsed.figures}
        if (loose_years | loose_figures) - context_terms:
            return None
        if unknown:
            return ClaimCheck(
                claim=parsed.text,
                verdict="not_found",
                reason="Các văn bản không nhắc đến: " + ", ".join(unknown) + ".",
                passages=passages,
            )
        return ClaimCheck(
            claim=parsed.text,
            verdict="supported",
            reason="Các văn bản ghi đúng như vậy.",
            passages=passages,
        )

    def _is_claim_context_actor(self, parsed: ParsedClaim, actor: str, key: str) -> bool:
        """An actor the claim names for something else than this number (another number's issuer)."""
        return len(parsed.numbers) > 1 and any(
            actor in {m.issuer for m in self.mentions.get(other, [])}
            for other in parsed.numbers
            if other != key
        )

    def _signer_named(self, parsed: ParsedClaim) -> str | None:
        folded = " " + parsed.folded + " "
        for document in self.documents.values():
            name = document.metadata.signer_name
            if name and " " + _fold(name) + " " in folded:
                return name
        match = re.search(r"\bky\b", parsed.folded)
        if match:  # "do đồng chí Nguyễn Văn A ký": a name the corpus does not know
            names = re.findall(rf"((?:[{_UPPER}][^\s,.;]*\s+){{1,3}}[{_UPPER}][^\s,.;]*)", parsed.text)
            names = [n for n in names if not _actors_in(n) and not DOC_NUMBER_PATTERN.search(n)]
            return names[-1] if names else None
        return None

    def _replaced_number(self, parsed: ParsedClaim, key: str) -> ClaimCheck | None:
        """A number the documents never mention, where they state the same thing under another number."""
        code = re.sub(r"^\d+", "", key)
        best: tuple[float, str, list[_Mention]] | None = None
        for other, mentions in self.mentions.items():
            if other == key or re.sub(r"^\d+", "", other) != code:
                continue
            context_terms: set[str] = set()
            for m in mentions:
                context_terms.update(folded_syllables(expand_abbreviations(m.document.text[m.start : m.end])))
            terms = parsed.terms - {t for n in parsed.numbers for t in n.split("-")}
            coverage = len(terms & context_terms) / max(1, len(terms))
            same_date = bool(set(parsed.dates) & {m.date for m in mentions if m.date})
            score = coverage + (0.5 if same_date else 0.0)
            if best is None or score > best[0]:
                best = (score, other, mentions)
        if best is None or best[0] < 0.75 or len(parsed.terms) < 3 and best[0] < 1.0:
            return None
        _, other, mentions = best
        label = self._written(mentions[0])
        passages = [self._passage(m.document, m.start, m.end) for m in mentions[:2]]
        return self._contradicted(parsed, "doc_number", f"Các văn bản ghi số hiệu là {label}.", passages)

    @staticmethod
    def _written(mention: _Mention) -> str:
        text = mention.document.text
        match = DOC_NUMBER_PATTERN.match(text, mention.number_at)
        return match.group(0) if match else text[mention.number_at : mention.number_at + 12]

    # ------------------------------------------------------------------ targets
    def _about(self, parsed: ParsedClaim, target: Target) -> float:
        """How surely the claim is about this target's metric: 0 when not at all."""
        metric_terms = {
            t
            for t in folded_syllables(expand_abbreviations(target.metric))
            if t not in STOPWORDS and not t[0].isdigit()
        }
        if not metric_terms:
            return 0.0
        coverage = len(metric_terms & parsed.terms) / len(metric_terms)
        topic_named = target.topic is not None and _fold(target.topic) in parsed.folded
        if topic_named and coverage >= 0.4:
            return coverage + 0.5
        return coverage if coverage >= 0.75 else 0.0

    @staticmethod
    def _claim_within(parsed: ParsedClaim, target: Target) -> float:
        """Share of the claim's content words that the target's clause, metric and scope contain."""
        if not parsed.terms:
            return 0.0
        words = set(
            _fold(expand_abbreviations(f"{target.quote} {target.metric} {target.scope or ''}")).split()
        )
        return len(parsed.terms & words) / len(parsed.terms)

    def _check_targets(self, parsed: ParsedClaim) -> ClaimCheck | None:
        """The claim's figure against the targets on the same metric with the same unit."""
        if not parsed.figures:
            return None  # a year alone does not say which target is meant
        scored = [(self._about(parsed, t), t) for t in self.targets if t.kind == "quantified"]
        # and the claim speaks of nothing the target's clause does not: "BHYT chi trả 97% chi phí" is not
        # about "tỷ lệ khám, chữa bệnh BHYT tại trạm y tế trên 20%", however many words they share
        scored = [(s, t) for s, t in scored if s > 0 and self._claim_within(parsed, t) >= 0.7]
        for value, unit in parsed.figures:
            candidates = [(s, t) for s, t in scored if t.unit == unit]
            if not candidates:
                continue
            top = max(s for s, _ in candidates)
            same_unit = [t for s, t in sorted(candidates, key=lambda st: -st[0]) if s >= top - 0.2]
            agreeing = [t for t in same_unit if abs((t.value or 0) - value) < 1e-6]
            in_year = [t for t in same_unit if not parsed.years or t.year is None or t.year in parsed.years]
            if agreeing and in_year and set(map(id, agreeing)) & set(map(id, in_year)):
                chosen = [t for t in agreeing if t in in_year]
                return self._verdict(parsed, "supported", None, "Các văn bản nêu chỉ tiêu này: ", chosen)
            if agreeing and parsed.years:
                return self._verdict(parsed, "contradicted", "year", "Năm trong văn bản khác: ", agreeing)
            if in_year:
                return self._verdict(parsed, "contradicted", "value", "Con số trong văn bản khác: ", in_year)
            if not parsed.years:
                return self._verdict(
                    parsed, "contradicted", "value", "Con số trong văn bản khác: ", same_unit
                )
            return ClaimCheck(
                claim=parsed.text,
                verdict="not_found",
                reason="Các văn bản không nêu chỉ tiêu này cho năm đó; các chỉ tiêu gần nhất: "
                + _target_list(same_unit)
                + ".",
                targets=same_unit,
                passages=[self._target_passage(t) for t in same_unit],
            )
        return None

    def _verdict(
        self, parsed: ParsedClaim, verdict: Verdict, mismatch: str | None, lead: str, targets: list[Target]
    ) -> ClaimCheck:
        keys = {t.group_key for t in targets}
        grouped = targets + [t for t in self.targets if t.group_key in keys]  # the same target elsewhere
        unique: dict[str, Target] = {}
        for target in grouped:
            unique.setdefault(f"{target.doc_id}:{target.start}", target)
        chosen = list(unique.values())
        return ClaimCheck(
            claim=parsed.text,
            verdict=verdict,
            reason=lead + _target_list(chosen) + ".",
            mismatches=[mismatch] if mismatch else [],  # type: ignore[list-item]
            targets=chosen,
            passages=[self._target_passage(t) for t in chosen],
        )

    # ------------------------------------------------------------------ passages
    def _check_passages(self, parsed: ParsedClaim) -> ClaimCheck:
        if len(parsed.terms) < 2:
            return ClaimCheck(
                claim=parsed.text, verdict="not_found", reason="Nhận định quá ngắn để đối chiếu."
            )
        claim_units = parsed.folded.split()
        claim_bigrams = {
            f"{a}_{b}"
            for a, b in zip(claim_units, claim_units[1:], strict=False)
            if a in parsed.terms and b in parsed.terms
        }
        figures = {_figure_token(v, u) for v, u in parsed.figures}
        best: tuple[float, tuple] | None = None
        for entry in self.sentences:
            _, _, _, units, bigrams = entry
            coverage = len(parsed.terms & units) / len(parsed.terms)
            pairs = len(claim_bigrams & bigrams) / len(claim_bigrams) if claim_bigrams else 1.0
            score = coverage * 0.7 + pairs * 0.3
            if best is None or score > best[0]:
                best = (score, entry)
        assert best is not None
        score, (document, start, end, units, _) = best
        sentence_text = document.text[start:end]
        passage = self._passage(document, start, end)
        figures_present = all(f in _fold(sentence_text).replace(" %", "%") for f in figures)
        # a year may head the paragraph ("+ Đến năm 2035: … Bảo hiểm y tế toàn dân được duy trì bền vững")
        # or the section ("1. Mục tiêu đến năm 2030")
        paragraph_start = document.text.rfind("\n\n", 0, start) + 2
        surroundings = " ".join(
            [sentence_text, document.text[paragraph_start : paragraph_start + 40], passage.section]
        )
        years_present = all(str(y) in surroundings for y in parsed.years)
        if score >= 0.8 and figures_present and years_present:
            return ClaimCheck(
                claim=parsed.text,
                verdict="supported",
                reason="Văn bản nêu đúng nội dung này.",
                passages=[passage],
            )
        return ClaimCheck(
            claim=parsed.text,
            verdict="not_found",
            reason="Không tìm thấy đoạn văn bản nào nêu nội dung này; đoạn gần nhất được kèm theo để tham khảo.",
            passages=[passage] if score >= 0.5 else [],
        )

    # ------------------------------------------------------------------ helpers
    def _contradicted(
        self, parsed: ParsedClaim, mismatch: str, reason: str, passages: list[ClaimPassage]
    ) -> ClaimCheck:
        return ClaimCheck(
            claim=parsed.text,
            verdict="contradicted",
            reason=reason,
            mismatches=[mismatch],  # type: ignore[list-item]
            passages=passages,
        )

    def _passage(self, document: Document, start: int, end: int) -> ClaimPassage:
        return ClaimPassage(
            doc_id=document.doc_id,
            source=document.source,
            doc_title=document_title(document),
            doc_number=document.metadata.number,
            section=_section_label(document, start),
            quote=document.text[start:end],
            start=start,
            end=end,
        )

    def _signature_passage(self, document: Document) -> ClaimPassage:
        name = document.metadata.signer_name or ""
        at = document.text.rfind(name) if name else -1
        if at < 0:
            return self._passage(document, 0, min(len(document.text), 80))
        return self._passage(document, at, at + len(name))

    def _target_passage(self, target: Target) -> ClaimPassage:
        return self._passage(self.documents[target.doc_id], target.start, target.end)


_UPPER = "A-ZĐÀ-Ỹ"


def _section_label(document: Document, offset: int) -> str:
    return SECTION_SEPARATOR.join(section_path(document, offset))


def _figure_token(value: float, unit: str) -> str:
    number = f"{value:g}".replace(".", ",")
    return number + ("%" if unit == "%" else "")


def _vn_dates(dates: set[str]) -> str:
    out = []
    for iso in sorted(dates):
        parts = iso.split("-")
        out.append("/".join(str(int(p)) for p in reversed(parts)) if len(parts) == 3 else iso)
    return ", ".join(out)


def _short_title(target: Target) -> str:
    if target.doc_number:
        return f"văn bản số {target.doc_number}"
    title = target.doc_title
    if len(title) <= 70:
        return title
    return title[:70].rsplit(" ", 1)[0] + "…"


def _target_list(targets: list[Target]) -> str:
    pieces = []
    for target in targets:
        when = f" ({target.period})" if target.period else ""
        pieces.append(
            f"{target.metric} {target.display or ''}{when} — {_short_title(target)}".replace("  ", " ")
        )
    return "; ".join(pieces)
