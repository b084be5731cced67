"""Align a claim to one passage unit (a sentence or a list item) and say what differs.

Both texts become token sequences: syllables folded to lower case without diacritics (so a claim
typed without accents aligns exactly like an accented one), and numbers, years, dates and document
numbers as single normalised tokens ("07" → ``#7``, "75,5" → ``#75.5``, "ngày 7 tháng 4" and
"07/4" → ``@7-4``, "06-CTr/TU" → ``§06-ctr/tu``). ``difflib`` aligns the sequences; what differs is
read from the alignment and from the contrast vocabularies (``contrasts.py``):

- a number, year, date or document number replaced by another where the rest matches;
- an alternative of a contrast set (actor, level, branch of law, direction) replaced by another;
- the date or issuing body written next to the same document number;
- a different count of negations ("không", "cấm", "trừ") in the claim and in the aligned part;
- an obligation ("phải", "bắt buộc") the passage does not carry, or a permission where it obliges;
- a scope word ("luôn", "toàn bộ", "miễn phí") the passage does not carry;
- an exception the passage attaches to the rule ("…, trừ trường hợp …") that the claim drops.

Example: "Chủ tịch UBND cấp huyện ra quyết định …" against "Chủ tịch Ủy ban nhân dân cấp xã ra
quyết định …" aligns word for word except "huyện"/"xã", both in the ``levels`` set: contradicted,
and the passage states "cấp xã".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from hoidap.qa.contrasts import Contrasts, Phrase, load_contrasts
from hoidap.vntext import DOC_NUMBER_PATTERN, doc_number_key, fold_diacritics, normalize_text, spelling_key

_TOKEN = re.compile(
    r"(?P<date>(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/]))"
    r"|(?P<sdate>\b(?:ngày|mùng|mồng|ngay|mung|mong)\s+\d{1,2}\s+(?:tháng|thang)\s+\d{1,2}"
    r"(?:\s+(?:năm|nam)\s+\d{4})?)"
    r"|(?P<dm>(?<![\d/])\d{1,2}/\d{1,2}(?![\d/]))"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<pct>%)"
    r"|(?P<word>[^\W\d_]+)",
    re.IGNORECASE,
)
_SELF_REFERENCE = "nay"  # "Luật này", "Nghị quyết này": the document the passage belongs to
_ROMAN = re.compile(r"^[IVX]{1,4}$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_ROMAN_AFTER = frozenset(spelling_key(w) for w in ("quy", "khoa", "thu", "ky", "chuong", "phan", "muc"))
# Counting words written out, only where a unit follows ("một lần", "hai năm").
_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_COUNTED = frozenset({"lan", "nam", "thang", "ngay", "nguoi", "nhom", "muc", "loai", "cap", "tuoi", "ben"})


@dataclass(frozen=True)
class Token:
    key: str  # folded syllable, or "#n" number, "@d-m[-y]" date, "§key" document number
    accented: str  # lower-case accented syllable ("" for numbers)
    start: int
    end: int
    year: bool = False

    @property
    def is_number(self) -> bool:
        return self.key[0] in "#@§"


def _number_key(raw: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")
    raw = raw.replace(",", ".")
    if "." in raw:
        whole, _, fraction = raw.partition(".")
        fraction = fraction.rstrip("0")
        return f"#{int(whole)}" + (f".{fraction}" if fraction else "")
    return f"#{int(raw)}"


def _roman(text: str) -> int:
    total, previous = 0, 0
    for ch in reversed(text):
        value = _ROMAN_VALUES[ch]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (offsets into ``text``; ``text`` should be NFC)."""
    tokens: list[Token] = []
    numbers = [(m.start(), m.end(), doc_number_key(m.group(0))) for m in DOC_NUMBER_PATTERN.finditer(text)]
    position = 0
    for start, end, key in [*numbers, (len(text), len(text), "")]:
        tokens.extend(_plain_tokens(text, position, start))
        if key:
            tokens.append(Token("§" + key, "", start, end))
        position = end
    return _spelled_numbers(tokens)


def _plain_tokens(text: str, begin: int, stop: int) -> list[Token]:
    out: list[Token] = []
    for match in _TOKEN.finditer(text, begin, stop):
        kind = match.lastgroup
        raw = match.group(0)
        if kind == "date":
            day, month, year = raw.split("/")
            out.append(Token(f"@{int(day)}-{int(month)}-{int(year)}", "", match.start(), match.end()))
        elif kind == "sdate":
            numbers = re.findall(r"\d+", raw)
            key = "@" + "-".join(str(int(n)) for n in numbers)
            out.append(Token(key, "", match.start(), match.end()))
        elif kind == "dm":
            day, month = raw.split("/")
            out.append(Token(f"@{int(day)}-{int(month)}", "", match.start(), match.end()))
        elif kind == "num":
            if _is_list_marker(text, match.start(), match.end()):
                continue
            key = _number_key(raw)
            year = bool(re.fullmatch(r"(?:19|20)\d\d", raw))
            out.append(Token(key, "", match.start(), match.end(), year=year))
        elif kind == "pct":
            out.append(Token("%", "%", match.start(), match.end()))
        else:
            folded = fold_diacritics(raw).lower()
            if _ROMAN.match(raw) and out and out[-1].key in _ROMAN_AFTER:
                out.append(Token(f"#{_roman(raw)}", "", match.start(), match.end()))
                continue
            out.append(Token(spelling_key(folded), raw.lower(), match.start(), match.end()))
    return out


def _is_list_marker(text: str, start: int, end: int) -> bool:
    """"2." or "1.1." opening a line or a unit: the item's number, not a figure."""
    return not text[:start].strip(" \t*-+(") .split("\n")[-1] and end < len(text) and text[end] in ".)"


def _spelled_numbers(tokens: list[Token]) -> list[Token]:
    out = list(tokens)
    for i, token in enumerate(tokens[:-1]):
        value = _NUMBER_WORDS.get(token.accented)
        if value is not None and tokens[i + 1].key in _COUNTED:
            out[i] = Token(f"#{value}", "", token.start, token.end)
    return out


def _find(words: Sequence[str], phrase: Phrase, start: int = 0, stop: int | None = None) -> list[int]:
    stop = len(words) if stop is None else stop
    n = len(phrase)
    last = max(start, stop - n + 1)
    if n == 0:
        return list(range(start, last))
    # Jump between occurrences of the first word (list.index runs in C): this is called for every
    # vocabulary phrase against every candidate passage, and the slice-per-position scan was most
    # of a true/false answer's time on a law collection (reports/bench/query_scaling.md).
    found: list[int] = []
    first, i = phrase[0], start
    while i < last:
        try:
            i = words.index(first, i, last)
        except ValueError:
            break
        if n == 1 or tuple(words[i : i + n]) == phrase:
            found.append(i)
        i += 1
    return found


def _occurrences(
    words: Sequence[str], phrases: tuple[Phrase, ...], start: int = 0, stop: int | None = None
) -> tuple[tuple[int, Phrase], ...]:
    """Non-overlapping occurrences, longest phrase first."""
    return _occurrences_in(tuple(words), tuple(phrases), start, stop)


# One true/false question scans its claim's words and every candidate passage's for each vocabulary
# (negators, obligations, exceptions …) again and again, and passages recur across questions:
# building the word set and testing every phrase was the largest cost of a law answer.
@functools.lru_cache(maxsize=8192)
def _occurrences_in(
    words: tuple[str, ...], phrases: tuple[Phrase, ...], start: int, stop: int | None
) -> tuple[tuple[int, Phrase], ...]:
    taken: set[int] = set()
    found: list[tuple[int, Phrase]] = []
    present = set(words[start:stop])
    for phrase in phrases:
        if phrase and not present.issuperset(phrase):
            continue  # most vocabulary phrases are absent from a passage: no scan at all
        for i in _find(words, phrase, start, stop):
            span = set(range(i, i + len(phrase)))
            if span & taken:
                continue
            taken |= span
            found.append((i, phrase))
    return tuple(sorted(found))


@dataclass
class Difference:
    kind: str  # value, year, date, doc_number, actor, level, wording, negation, modality, scope, exception
    claimed: str
    stated: str  # what the passage says instead (verbatim from the passage), "" when nothing


@dataclass
class Alignment:
    coverage: float  # share of the claim's content words found in the unit or its context
    pairs: float = 1.0  # share of the claim's adjacent content-word pairs found adjacent in the unit
    differences: list[Difference] = field(default_factory=list)
    unmatched_numbers: list[str] = field(default_factory=list)  # claim figures the unit does not carry
    unnamed_bodies: list[str] = field(default_factory=list)  # bodies the claim names, the unit and its context do not


@dataclass(frozen=True)
class Text:
    """A text with its tokens (claim or passage unit)."""

    raw: str
    tokens: tuple[Token, ...]

    @classmethod
    def of(cls, text: str) -> Text:
        return _text_of(text)

    def with_accents(self, restored: str) -> Text:
        """This text with the accented spelling of ``restored`` (the same words with accents put
        back) on the words that line up; numbers, document numbers and case stay as written."""
        theirs = tokenize(normalize_text(restored))
        matcher = SequenceMatcher(None, self.keys, [t.key for t in theirs], autojunk=False)
        tokens = list(self.tokens)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                mine, other = tokens[block.a + k], theirs[block.b + k]
                if not mine.is_number and other.accented:
                    tokens[block.a + k] = Token(mine.key, other.accented, mine.start, mine.end, mine.year)
        return Text(self.raw, tuple(tokens))

    # Read dozens of times per claim and passage (every vocabulary scan): built once. A frozen
    # dataclass keeps cached_property's value in its __dict__, outside its fields and equality.
    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tokens)

    @functools.cached_property
    def accented(self) -> tuple[str, ...]:
        return tuple(t.accented for t in self.tokens)

    def span(self, i: int, j: int) -> str:
        if i >= j:
            return ""
        return self.raw[self.tokens[i].start : self.tokens[j - 1].end]


@functools.lru_cache(maxsize=8192)
def _text_of(text: str) -> Text:
    # Passages recur across the candidates of one true/false question and across questions; a
    # Text is immutable, so one tokenisation serves them all (it was most of a law answer's time).
    normalized = normalize_text(text)
    if len(normalized) != len(text):
        normalized = unicodedata.normalize("NFC", text)
    return Text(normalized, tuple(tokenize(normalized)))


class Aligner:
    """``weights``: how much each folded syllable says (rare words more: an IDF over the collection);
    a word missing from it counts as rare."""

    def __init__(self, contrasts: Contrasts | None = None, weights: dict[str, float] | None = None) -> None:
        self.contrasts = contrasts or load_contrasts()
        self.weights = weights or {}
        self.unknown_weight = max(self.weights.values(), default=1.0)
        c = self.contrasts
        self._respell = {
            spelling_key(fold_diacritics(w)): w
            for group in (c.negators, c.obligation, c.permission, c.scope, c.negated_obligations)
            for p in group
            for w in p
            if w not in c.accent_required
        }
        self._last_words: tuple[Text | None, list[str]] = (None, [])
        self._last_content: tuple[Text | None, list[str]] = (None, [])
        # Phrases of three syllables or more are unambiguous without accents ("moi truong hop" is
        # "mọi trường hợp" even where accent restoration wrote "môi trường hợp").
        self._respell_phrases = {
            tuple(spelling_key(fold_diacritics(w)) for w in p): p
            for group in (c.negators, c.obligation, c.permission, c.scope, c.negated_obligations, c.exception_echoes)
            for p in group
            if len(p) >= 3 and not set(p) & c.accent_required
        }
        # whole phrases: "trưởng" is no "mọi trường hợp", "hiệu" no "có hiệu lực"
        self._polar_phrases = _longest_first_folded(
            tuple(spelling_key(fold_diacritics(w)) for w in p) for group in (c.negators, c.obligation, c.permission, c.scope) for p in group
        )

    def weight(self, key: str) -> float:
        return self.weights.get(key, self.unknown_weight)

    def content(self, claim: Text) -> list[str]:
        """The claim's content syllables (neither filler, numbers, nor the negation, obligation and
        permission words, which are compared on their own: "không bắt buộc phải có" says what "có
        thể có" says)."""
        last = self._last_content
        if last[0] is claim:
            return last[1]
        modal = self._modal_positions(self.claim_words(claim))
        content = [
            t.key for i, t in enumerate(claim.tokens)
            if not t.is_number and t.key not in self.contrasts.filler and t.key != "%" and i not in modal
        ]
        self._last_content = (claim, content)
        return content

    def _modal_positions(self, words: list[str]) -> set[int]:
        c = self.contrasts
        kept = {k for i, p in _occurrences(words, c.not_negations) for k in range(i, i + len(p))}
        found: set[int] = set()
        for group in (c.negated_obligations, c.negators, c.obligation, c.permission):
            for i, phrase in _occurrences(words, group):
                found |= set(range(i, i + len(phrase)))
        return found - kept

    def align(self, claim: Text, unit: Text, context: Text | None = None) -> Alignment:
        unit_keys = unit.keys
        known = set(unit_keys) | (set(context.keys) if context else set())
        content = self.content(claim)
        total = sum(self.weight(k) for k in content)
        coverage = sum(self.weight(k) for k in content if k in known) / total if total else 0.0
        result = Alignment(coverage, self._pairs(claim, unit, context))
        matcher = SequenceMatcher(None, claim.keys, unit_keys, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        self._substitutions(claim, unit, matcher, known, result, context.keys if context is not None else [])
        self._numbers(claim, unit, known, result, context)
        self._bound_to_numbers(claim, unit, result)
        if context is not None:
            self._bound_to_numbers(claim, context, result)
        self._one_change_at_a_time(result)
        self._bodies_anywhere(claim, unit, known, result)
        self._unnamed_bodies(claim, unit, context, result)
        window = self._window(unit, blocks)
        self._polarity(claim, unit, blocks, result, context)
        self._exception(claim, unit, blocks, result)
        if context is not None and not any(d.kind == "exception" for d in result.differences):
            # "1. Giao dịch … không làm phát sinh …, trừ một trong các trường hợp sau đây:" leads an item
            lead = SequenceMatcher(None, claim.keys, context.keys, autojunk=False)
            self._exception(claim, context, [b for b in lead.get_matching_blocks() if b.size], result)
        self._modality(claim, unit, window, result)
        self._scope(claim, unit, window, context, result)
        self._narrowed_list(claim, unit, result)
        return result

    def _pairs(self, claim: Text, unit: Text, context: Text | None) -> float:
        """Adjacent word pairs of the claim (fillers skipped) found as adjacent words in the unit:
        words scattered over a long passage ("cấp", "thẻ", "miễn phí") are not a match."""
        def pairs_of(keys: list[str], accented: list[str]) -> set[tuple[str, str]]:
            modal = self._modal_positions(accented)
            words = [k for i, k in enumerate(keys) if k[0] not in "#@§%" and k not in self.contrasts.filler and i not in modal]
            return set(zip(words, words[1:], strict=False))

        mine = pairs_of(claim.keys, self.claim_words(claim))
        if not mine:
            return 1.0
        theirs = pairs_of(unit.keys, unit.accented) | (pairs_of(context.keys, context.accented) if context else set())
        return len(mine & theirs) / len(mine)

    # ---------- substitutions read from the alignment ----------
    def _substitutions(
        self, claim: Text, unit: Text, matcher: SequenceMatcher, known: set[str], result: Alignment,
        context_keys: list[str],
    ) -> None:
        ckeys, ukeys = claim.keys, unit.keys
        opcodes = matcher.get_opcodes()
        for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
            if tag != "replace" or i2 - i1 > 6 or j2 - j1 > 8:
                continue
            claimed_numbers = [
                k for n2, k in enumerate(ckeys[i1:i2], start=i1)
                if k[0] in "#@§" and k not in known and not (claim.tokens[n2].year and _names_a_law(claim.tokens, n2))
            ]
            stated_numbers = [k for k in ukeys[j1:j2] if k[0] in "#@§"]
            if claimed_numbers and stated_numbers:
                kind = _number_kind(claim.tokens[i1:i2], claimed_numbers[0])
                at_claim = next(k for k in range(i1, i2) if ckeys[k] == claimed_numbers[0])
                at_unit = next(k for k in range(j1, j2) if ukeys[k] == stated_numbers[0])
                self._add(
                    result,
                    Difference(kind, _figure(claim, at_claim, self.contrasts, kind), _figure(unit, at_unit, self.contrasts, kind)),
                )
                continue
            for contrast in self.contrasts.sets:
                mine = _overlapping(ckeys, contrast.phrases, i1, i2)
                theirs = _overlapping(ukeys, contrast.phrases, j1, j2)
                mine_phrases = {p for _, p in mine}
                theirs_phrases = {p for _, p in theirs}
                if mine and theirs and not (mine_phrases & theirs_phrases):
                    if any(_contains_phrase(ukeys, p) for p in mine_phrases):
                        continue
                    (i, mp), (j, tp) = mine[0], theirs[0]
                    # as written on each side: "cấp huyện" / "cấp xã", not the folded keys
                    self._add(result, Difference(_set_kind(contrast.name), claim.span(i, i + len(mp)), unit.span(j, j + len(tp))))
                    break
            else:
                if self._swapped_words(ckeys[i1:i2], ukeys[j1:j2], set(ukeys), set(ckeys), opcodes, n, context_keys):
                    self._add(result, Difference("wording", claim.span(i1, i2), unit.span(j1, j2)))

    def _swapped_words(
        self, mine: list[str], theirs: list[str], known: set[str], claim_keys: set[str], opcodes: list, n: int,
        context_keys: list[str],
    ) -> bool:
        """A few words of the claim put where the passage, word for word around them, has others:
        "Bộ luật hình sự" for "Bộ luật dân sự", "dưới mức cho phép" for "vượt mức cho phép"; or a
        longer phrase (a subject, an actor) in a sentence that otherwise matches word for word."""
        before = opcodes[n - 1] if n > 0 else None
        after = opcodes[n + 1] if n + 1 < len(opcodes) else None
        longest = max(len(mine), len(theirs))
        equal_before = before[2] - before[1] if before is not None and before[0] == "equal" else 0
        equal_after = after[2] - after[1] if after is not None and after[0] == "equal" else 0
        claim_words = [k for k in mine if k[0] not in "#@§%" and k not in self.contrasts.filler]
        unit_words = [k for k in theirs if k[0] not in "#@§%" and k not in self.contrasts.filler]
        if _occurrences(mine, self._polar_phrases) or _occurrences(theirs, self._polar_phrases):
            return False  # "Không được phép" for "Cấm": polarity and modality are compared on their own
        if not claim_words:
            return False
        if not unit_words:
            # "… của Luật này": the passage names its own document, whose title (in the context)
            # must then hold the claim's name for it ("Luật Tố tụng hành chính" is another law)
            return (
                list(theirs) == [_SELF_REFERENCE] and after is None and equal_before >= 6
                and not _contains_phrase(context_keys, tuple(mine))
            )
        if longest > 4:
            # the rest of the sentence, on both sides of the phrase, is the passage's word for word
            # (three times as long as the phrase), and the two phrases share next to no word
            if longest > 8 or (before is not None and not equal_before) or (after is not None and not equal_after):
                return False
            shared = set(claim_words) & set(unit_words)
            return equal_before + equal_after >= 3 * longest and 3 * len(shared) <= min(len(claim_words), len(unit_words))
        # word for word around it: two equal words on each side, or four after it at the start, or
        # six before it at the end ("… theo quy định của Bộ luật hình sự" for "… dân sự")
        if after is None:
            if equal_before < 6:
                return False
        elif after[0] != "equal" or equal_after < (2 if before else 4):
            return False
        elif before is not None and (before[0] != "equal" or equal_before + equal_after < 4 or equal_before < 1):
            return False
        # Most of the words on each side are the side's own ("luật quốc tế" for "pháp luật Việt
        # Nam": "luật" is shared, the rest is not); one shared word does not make it a paraphrase.
        claim_own = [k for k in claim_words if k not in known]
        unit_own = [k for k in unit_words if k not in claim_keys]
        return 2 * len(claim_own) > len(claim_words) and 2 * len(unit_own) > len(unit_words)

    def _numbers(
        self, claim: Text, unit: Text, known: set[str], result: Alignment, context: Text | None = None
    ) -> None:
        """A claim figure the unit lacks: contradicted when the unit gives the same measure another
        value (same unit word after it: "78 tuổi" / "75,5 tuổi"; a year after "năm"), else unmatched."""
        ctoks, utoks = claim.tokens, unit.tokens
        already = {d.claimed for d in result.differences}
        for i, token in enumerate(ctoks):
            if not token.is_number or token.key in known:
                continue
            if any(claim.raw[token.start : token.end] in c for c in already):
                continue
            if token.year and _names_a_law(ctoks, i):
                continue  # "Theo BLDS năm 2015": names the law, says nothing the passage must carry
            if token.key == "#1" and fold_diacritics(claim.raw[token.start : token.end]).lower() == "mot":
                continue  # "một loại", "một trong những": an article more than a figure
            stated = self._same_measure(ctoks, i, utoks, unit)
            if not stated and token.year and context is not None:  # "Tầm nhìn đến năm 2045" heads the item
                stated = self._same_measure(ctoks, i, context.tokens, context)
            if stated:
                kind = _number_kind(ctoks[i : i + 1], token.key)
                self._add(result, Difference(kind, _figure(claim, i, self.contrasts, kind), stated))
            else:
                result.unmatched_numbers.append(claim.raw[token.start : token.end])

    def _same_measure(self, ctoks: tuple[Token, ...], i: int, utoks: tuple[Token, ...], unit: Text) -> str:
        token = ctoks[i]
        if token.key[0] == "§":
            kind = token.key.split("-", 1)[-1]
            for j, other in enumerate(utoks):
                if other.key[0] == "§" and other.key != token.key and other.key.split("-", 1)[-1] == kind:
                    return unit.span(j, j + 1)
            return ""
        if token.key[0] == "@":
            return ""  # dates are compared next to their document number, or by substitution
        after = ctoks[i + 1].key if i + 1 < len(ctoks) else ""
        before = ctoks[i - 1].key if i else ""
        if token.year:
            if before not in {"nam", "den", "tu"} or _names_a_law(ctoks, i):
                return ""
            for j, other in enumerate(utoks):
                if other.year and other.key != token.key and j and utoks[j - 1].key == "nam":
                    return unit.span(j - 1, j + 1)
            return ""
        if not after or after in self.contrasts.filler and after != "nam":
            return ""
        mine = self._near(ctoks, i)
        for j, other in enumerate(utoks[:-1]):
            if other.key[0] == "#" and not other.year and other.key != token.key and utoks[j + 1].key == after:
                # the same measure: most of the words around the figure are around this one too
                if len(mine & self._near(utoks, j)) >= min(3, len(mine)):
                    return unit.span(j, j + 2)
        return ""

    def _near(self, tokens: tuple[Token, ...], i: int) -> set[str]:
        window = [*tokens[max(0, i - 6) : i], *tokens[i + 2 : i + 5]]
        return {t.key for t in window if not t.is_number and t.key not in self.contrasts.filler and t.key != "%"}

    def _bound_to_numbers(self, claim: Text, unit: Text, result: Alignment) -> None:
        """The date and issuing body written after the same document number ("06-CTr/TU ngày
        12/01/2026 của Ban Thường vụ Thành ủy") must agree."""
        for i, token in enumerate(claim.tokens):
            if token.key[0] != "§":
                continue
            positions = [j for j, u in enumerate(unit.tokens) if u.key == token.key]
            if not positions:
                continue
            mine = _attributes(claim.keys, i, self.contrasts)
            for j in positions:
                theirs = _attributes(unit.keys, j, self.contrasts)
                if mine["date"] and theirs["date"] and not (mine["date"] & theirs["date"]):
                    if not _date_compatible(mine["date"], theirs["date"]):
                        self._add(result, Difference("date", " ".join(sorted(mine["date"])), _date_text(unit, j)))
                if mine["body"] and theirs["body"] and not (mine["body"] & theirs["body"]):
                    if not _body_compatible(mine["body"], theirs["body"]):
                        stated = " ".join(sorted(theirs["body"]))
                        self._add(result, Difference("actor", " ".join(sorted(mine["body"])), _find_text(unit, stated)))

    @staticmethod
    def _one_change_at_a_time(result: Alignment) -> None:
        """A figure and its year both different (or one different, the other absent): the claim is
        about another target (the documents set 75,5 for 2030 and 80 for 2045, a claim of 77 for
        2035 is about neither), not a changed one."""
        kinds = {d.kind for d in result.differences}
        unmatched_year = any(re.fullmatch(r"(?:19|20)\d\d", n) for n in result.unmatched_numbers)
        unmatched_figure = any(not re.fullmatch(r"(?:19|20)\d\d", n) for n in result.unmatched_numbers)
        if {"value", "year"} <= kinds or ("value" in kinds and unmatched_year) or ("year" in kinds and unmatched_figure):
            dropped = [d for d in result.differences if d.kind in {"value", "year"}]
            result.differences = [d for d in result.differences if d.kind not in {"value", "year"}]
            result.unmatched_numbers.extend(d.claimed for d in dropped)

    def _bodies_anywhere(self, claim: Text, unit: Text, known: set[str], result: Alignment) -> None:
        if any(d.kind == "actor" for d in result.differences):
            return
        ckeys, ukeys = claim.keys, unit.keys
        for contrast in self.contrasts.sets:
            if not contrast.anywhere:
                continue
            mine = {p for _, p in _occurrences(ckeys, contrast.phrases)}
            theirs = {p for _, p in _occurrences(ukeys, contrast.phrases)}
            if mine and theirs and not (mine & theirs) and not _body_compatible(
                {" ".join(p) for p in mine}, {" ".join(p) for p in theirs}
            ):
                stated = " ".join(sorted(theirs, key=len)[-1])
                self._add(result, Difference("actor", " ".join(sorted(mine)[0]), _find_text(unit, stated)))
                return

    def _unnamed_bodies(self, claim: Text, unit: Text, context: Text | None, result: Alignment) -> None:
        """Who does it is part of what a passage states: a passage that does not name the body the
        claim names ("Viện kiểm sát nhân dân có trách nhiệm …" against a duty listed under "Quyền
        và nghĩa vụ của Trung tâm trọng tài") does not say it."""
        theirs = [unit.keys, context.keys if context is not None else []]
        for contrast in self.contrasts.sets:
            if not contrast.anywhere:
                continue
            for i, phrase in _occurrences(claim.keys, contrast.phrases):
                if not any(_contains_phrase(words, phrase) for words in theirs):
                    result.unnamed_bodies.append(claim.span(i, i + len(phrase)))

    # ---------- polarity, modality, scope in the aligned part ----------
    @staticmethod
    def _window(unit: Text, blocks: list) -> tuple[int, int]:
        if not blocks:
            return 0, len(unit.tokens)
        start = min(b.b for b in blocks)
        end = max(b.b + b.size for b in blocks)
        return max(0, start - 3), min(len(unit.tokens), end + 3)

    def _negations(self, words: list[str], start: int = 0, stop: int | None = None) -> list[int]:
        masked = list(words)
        for i, phrase in _occurrences(words, self.contrasts.not_negations, start, stop):
            for k in range(i, i + len(phrase)):
                masked[k] = ""
        return [i for i, _ in _occurrences(masked, self.contrasts.negators, start, stop)]

    def claim_words(self, claim: Text) -> list[str]:
        """The words the vocabularies are read on: accented, or — for a word left without accents
        (an unaccented claim whose restoration missed it) — its accented spelling in the
        vocabularies when that is unambiguous ("khong" → "không"; never "cam" → "cấm")."""
        # one claim is aligned to dozens of units in a row: read it once
        last = self._last_words  # one tuple, read and written whole: safe across threads
        if last[0] is not claim:
            last = (claim, self._read_claim_words(claim))
            self._last_words = last
        return last[1]

    def _read_claim_words(self, claim: Text) -> list[str]:
        out = []
        for token in claim.tokens:
            word = token.accented
            if word and spelling_key(word) == token.key:  # typed without accents
                word = self._respell.get(token.key, word)
            out.append(word)
        typed_bare = [
            not t.is_number and fold_diacritics(claim.raw[t.start : t.end]).lower() == claim.raw[t.start : t.end].lower()
            for t in claim.tokens
        ]
        if any(typed_bare):
            keys = claim.keys
            for i, folded in _occurrences(keys, tuple(self._respell_phrases)):
                if all(typed_bare[i : i + len(folded)]):
                    out[i : i + len(folded)] = self._respell_phrases[folded]
        return out

    def _exceptions(self, words: list[str], start: int = 0, stop: int | None = None) -> list[int]:
        masked = list(words)
        for i, phrase in _occurrences(words, self.contrasts.not_exceptions, start, stop):
            for k in range(i, i + len(phrase)):
                masked[k] = ""
        return [i for i, _ in _occurrences(masked, self.contrasts.exceptions, start, stop)]

    def _echoes_exception(self, claim: Text) -> list[tuple[int, Phrase]]:
        return _occurrences(self.claim_words(claim), self.contrasts.exception_echoes)

    def _exception(self, claim: Text, unit: Text, blocks: list, result: Alignment) -> None:
        """The passage qualifies the rule the claim restates ("…, trừ trường hợp có thỏa thuận
        khác") right after the aligned words, and the claim drops it: the claim makes the rule
        absolute. Only an exception following the end of what the claim aligns to counts."""
        if not blocks or self._echoes_exception(claim):
            return
        end = max(b.b + b.size for b in blocks)
        start = min(b.b for b in blocks)
        for j in self._exceptions(unit.accented, start):
            if end - 2 <= j <= end + 6:
                stated = unit.span(j, min(j + 6, len(unit.tokens)))
                self._add(result, Difference("exception", "", stated))
                return

    def _polarity(
        self, claim: Text, unit: Text, blocks: list, result: Alignment, context: Text | None = None
    ) -> None:
        """The claim's negations and the passage's negations that bear on the claim's words (one
        of the next four words is a content word of the claim, in any order: "trừ trường hợp phạm
        tội quả tang" moved to the front is still the same exception) must be as many; "bệnh
        không lây nhiễm" elsewhere in a long passage does not count."""
        claim_words = {k for k in claim.keys if k not in self.contrasts.filler}
        unit_keys = unit.keys
        about_claim = {j for j, k in enumerate(unit_keys) if k in claim_words}
        cwords = self.claim_words(claim)
        mine = self._negations(cwords)  # a claim is short: all of its negations bear on it
        theirs = [j for j in self._negations(unit.accented) if _bears(j, about_claim)]
        window = (max(0, min(about_claim, default=0) - 3), max(about_claim, default=len(unit_keys)) + 4)
        if _occurrences(unit.accented, self.contrasts.permission, *window) and not _occurrences(
            unit.accented, self.contrasts.obligation, *window
        ):
            # "không bắt buộc phải có" where the passage says "có thể có": the same permission
            waived = {i for i, _ in _occurrences(cwords, self.contrasts.negated_obligations)}
            mine = [i for i in mine if i not in waived]
        exceptions = self._exceptions(unit.accented)
        if len(mine) > len(theirs) and exceptions:
            # "nếu không phạm tội quả tang" says what "trừ trường hợp phạm tội quả tang" says:
            # as many of the claim's conditions as the passage has exceptions
            echoes = self._echoes_exception(claim)[: len(exceptions)]
            echoed = {i + k for i, p in echoes for k in range(len(p))}
            mine = [i for i in mine if i not in echoed]
        if len(mine) > len(theirs) and context is not None:
            # a list item under "Các hành vi bị nghiêm cấm:" carries its lead-in's negation
            near = {j for j, k in enumerate(context.keys) if k in claim_words}
            extra = [j for j in self._negations(context.accented) if any(abs(j - k) <= 4 for k in near)]
            theirs = theirs + extra[: len(mine) - len(theirs)]
        if len(mine) != len(theirs):
            stated = unit.span(max(theirs[0] - 2, 0), min(theirs[0] + 4, len(unit.tokens))) if theirs else ""
            claimed = claim.span(max(mine[0] - 1, 0), min(mine[0] + 3, len(claim.tokens))) if mine else ""
            self._add(result, Difference("negation", claimed, stated))

    def _modality(self, claim: Text, unit: Text, window: tuple[int, int], result: Alignment) -> None:
        cwords, uwords = self.claim_words(claim), unit.accented
        negated = set(self._negations(cwords))
        negated |= {i + k for i in negated for k in (1, 2, 3)}
        obliges = [i for i, _ in _occurrences(cwords, self.contrasts.obligation) if i not in negated]
        unit_obliges = _occurrences(uwords, self.contrasts.obligation, *window)
        unit_allows = _occurrences(uwords, self.contrasts.permission, *window)
        if obliges and not unit_obliges and unit_allows:
            self._add(result, Difference("modality", claim.span(obliges[0], obliges[0] + 1), ""))
            return
        strong = tuple(p for p in self.contrasts.permission if p != ("được",))
        allows = [i for i, _ in _occurrences(cwords, strong) if i not in negated]
        if allows and unit_obliges and not unit_allows:
            i = unit_obliges[0][0]
            self._add(result, Difference("modality", claim.span(allows[0], allows[0] + 1), unit.span(i, i + 1)))

    def _scope(self, claim: Text, unit: Text, window: tuple[int, int], context: Text | None, result: Alignment) -> None:
        uwords = [*unit.accented, *(context.accented if context else ())]
        for i, phrase in _occurrences(self.claim_words(claim), self.contrasts.scope):
            if not _contains_phrase(uwords, phrase) and not _contains_phrase(
                [fold_diacritics(w) for w in uwords], tuple(fold_diacritics(w) for w in phrase)
            ):
                self._add(result, Difference("scope", claim.span(i, i + len(phrase)), ""))
                return

    def _narrowed_list(self, claim: Text, unit: Text, result: Alignment) -> None:
        """An exclusive claim ("chỉ …", "duy nhất") naming part of a list the passage gives, and
        leaving out two of its items or more: the passage allows more than the claim says."""
        words = self.claim_words(claim)
        masked = list(words)
        for i, phrase in _occurrences(words, self.contrasts.not_exclusive):
            masked[i : i + len(phrase)] = [""] * len(phrase)
        exclusive = _occurrences(masked, self.contrasts.exclusive)
        if not exclusive:
            return
        mine = {k for k in claim.keys if k not in self.contrasts.filler}
        for run in _lists(unit, self.contrasts.filler):
            named, left = 0, 0
            for item in run:
                content = [k for k in unit.keys[item[0] : item[1]] if k not in self.contrasts.filler and k[0] not in "#@§%"]
                share = sum(k in mine for k in content) / len(content) if content else 0.0
                named += share >= 0.5
                left += share < 0.5
            if named and left >= 2:
                i, phrase = exclusive[0]
                stated = unit.span(run[0][0], run[-1][1])
                self._add(result, Difference("scope", claim.span(i, i + len(phrase)), stated))
                return

    @staticmethod
    def _add(result: Alignment, difference: Difference) -> None:
        if not any(d.kind == difference.kind and d.claimed == difference.claimed for d in result.differences):
            result.differences.append(difference)


def _lists(unit: Text, filler: frozenset[str]) -> list[list[tuple[int, int]]]:
    """Runs of three or more short items (up to four content words) separated by commas,
    semicolons, "và" or "hoặc": "quốc phòng, an ninh quốc gia, trật tự, an toàn xã hội"."""
    tokens = unit.tokens
    items: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(tokens) + 1):
        at_end = k == len(tokens)
        if not at_end:
            between = unit.raw[tokens[k - 1].end : tokens[k].start]
            if not ("," in between or ";" in between or tokens[k].key in {"va", "hoac"}):
                continue
        if tokens[start].key in {"va", "hoac"}:
            start += 1
        items.append((start, k))
        start = k
    def content(a: int, b: int) -> list[int]:
        return [k for k in range(a, b) if tokens[k].key not in filler and not tokens[k].is_number]

    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for n, (a, b) in enumerate(items):
        if 0 < len(content(a, b)) <= 4:
            if not current and n:
                # the first item ends the clause before it: "… vì lý do quốc phòng, an ninh, …"
                words = content(*items[n - 1])
                if len(words) > 4:
                    current.append((words[-2], items[n - 1][1]))
            current.append((a, b))
            continue
        if len(current) >= 3:
            runs.append(current)
        current = []
    if len(current) >= 3:
        runs.append(current)
    return runs


def _longest_first_folded(phrases) -> tuple[Phrase, ...]:  # type: ignore[no-untyped-def]
    return tuple(sorted(set(phrases), key=len, reverse=True))


def _names_a_law(tokens: tuple[Token, ...], i: int) -> bool:
    """"Luật Giáo dục năm 2019", "BLDS năm 2015": the year names the law, it is no figure."""
    return any(t.key in {"luat", "blds", "blhs", "hien"} for t in tokens[max(0, i - 8) : i])


def _overlapping(words: list[str], phrases: tuple[Phrase, ...], start: int, stop: int) -> list[tuple[int, Phrase]]:
    """Occurrences that overlap words[start:stop] ("cấp huyện" when only "huyện" was replaced)."""
    longest = max((len(p) for p in phrases), default=1)
    return [
        (i, p)
        for i, p in _occurrences(words, phrases, max(0, start - longest + 1), min(len(words), stop + longest - 1))
        if i < stop and i + len(p) > start
    ]


def _bears(i: int, aligned: set[int]) -> bool:
    return any(k in aligned for k in range(i + 1, i + 5))


def _contains_phrase(words: list[str], phrase: Phrase) -> bool:
    return bool(_find(words, phrase))


def _number_kind(tokens: tuple[Token, ...] | list[Token], key: str) -> str:
    if key[0] == "§":
        return "doc_number"
    if key[0] == "@":
        return "date"
    if any(t.key == key and t.year for t in tokens):
        return "year"
    return "value"


def _set_kind(name: str) -> str:
    if name.endswith("bodies"):
        return "actor"
    if name == "levels":
        return "level"
    return "wording"


def _figure(text: Text, i: int, contrasts: Contrasts, kind: str) -> str:
    """The figure as written, with its unit word ("78 tuổi", "90%", "02 năm")."""
    tokens = text.tokens
    with_unit = kind == "value" and i + 1 < len(tokens) and (
        tokens[i + 1].key == "%" or tokens[i + 1].key in _COUNTED
        or tokens[i + 1].key not in contrasts.filler and not tokens[i + 1].is_number
    )
    return text.span(i, i + 2 if with_unit else i + 1)


def _attributes(keys: list[str], i: int, contrasts: Contrasts) -> dict[str, set[str]]:
    """Date and issuing body after a document number, up to the next document number (12 tokens)."""
    stop = i + 1
    while stop < len(keys) and stop - i <= 12 and keys[stop][0] != "§":
        stop += 1
    dates = {k for k in keys[i + 1 : stop] if k[0] == "@" or (k[0] == "#" and len(k) == 5 and k[1] in "12")}
    bodies: set[str] = set()
    for contrast in contrasts.sets:
        if contrast.anywhere:
            bodies |= {" ".join(p) for _, p in _occurrences(keys, contrast.phrases, i + 1, stop)}
    return {"date": dates, "body": bodies}


def _date_compatible(mine: set[str], theirs: set[str]) -> bool:
    """"năm 2025" fits "09/9/2025"; "9/9" fits "9-9-2025"."""
    for a in mine:
        for b in theirs:
            a_parts, b_parts = a.strip("@#").split("-"), b.strip("@#").split("-")
            if a.startswith("#") or b.startswith("#"):
                if a_parts[-1] == b_parts[-1]:
                    return True
            elif a_parts[: min(len(a_parts), len(b_parts))] == b_parts[: min(len(a_parts), len(b_parts))]:
                return True
    return False


def _body_compatible(mine: set[str], theirs: set[str]) -> bool:
    """"thu tuong chinh phu" fits "chinh phu"; one naming the other is no contradiction."""
    return any(a in b or b in a for a in mine for b in theirs)


def _date_text(unit: Text, j: int) -> str:
    for k in range(j + 1, min(j + 13, len(unit.tokens))):
        if unit.tokens[k].key[0] == "@" or unit.tokens[k].year:
            return unit.span(k, k + 1)
    return ""


def _find_text(unit: Text, folded: str) -> str:
    words = folded.split()
    for i in _find(unit.keys, tuple(words)):
        return unit.span(i, i + len(words))
    return folded
