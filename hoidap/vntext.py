"""Vietnamese text rules, used by ingestion and querying alike so both sides always agree.

Everything that decides how Vietnamese text is compared lives here: Unicode normalisation,
tone placement, diacritic folding, syllable tokenising, abbreviation expansion and the
document-number patterns (``72-NQ/TW``, ``25/CT-TTg``).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from importlib import resources

# Combining tone marks (NFD): grave, acute, hook above, tilde, dot below.
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
_MARKDOWN_ARTEFACT = re.compile(r"\*+")

# Document numbers as written in party and state documents: "72-NQ/TW", "307-CV/ĐU",
# "06-CTr/TU", "25/CT-TTg", "282/NQ-CP", "1380-CV/TU", "30-KH/BTGDVTU".
# Legal normative documents carry the year: "30/2020/NĐ-CP", "12/2023/TT-BYT", "68/2020/QH14".
DOC_NUMBER_PATTERN = re.compile(
    r"\b\d{1,5}(?:/\d{4}\s?/\s?[A-ZĐ][A-Za-zĐđ]{0,7}\d{0,2}(?:\s?-\s?[A-ZĐ][A-Za-zĐđ]{0,10})?"
    r"|\s?[-/]\s?[A-ZĐ][A-Za-zĐđ]{0,7}(?:\s?[-/]\s?[A-ZĐ][A-Za-zĐđ]{0,10}){1,2})\b"
)
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+", re.UNICODE)

# Codes used inside document numbers ("72-NQ/TW": NQ = nghị quyết, TW = trung ương): the type and
# issuer codes of the document profile (hoidap/data/document_profile.toml), read here from the data
# file itself because this module is the ground floor; the first type listing a code owns it, as in
# hoidap.profile.
def _doc_number_codes() -> dict[str, str]:
    text = resources.files("hoidap.data").joinpath("document_profile.toml").read_text(encoding="utf-8")
    profile = tomllib.loads(text)
    codes: dict[str, str] = {}
    for entry in profile["types"]:
        for code in entry.get("codes", ()):
            codes.setdefault(code.upper(), entry["name"].lower())
    for code, name in profile["issuers"].items():
        codes.setdefault(code.upper(), name.replace(",", "").lower())
    return codes


DOC_NUMBER_CODES: dict[str, str] = _doc_number_codes()

# Abbreviations in running text and in questions. Keys are upper case.
def _abbreviation_tables() -> dict[str, dict[str, str]]:
    text = resources.files("hoidap.data").joinpath("abbreviations.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_TABLES = _abbreviation_tables()
# Abbreviations found in official documents ("BHYT", "UBND", "NQ"): a data file, hoidap/data/abbreviations.toml.
OFFICIAL_ABBREVIATIONS: dict[str, str] = dict(_TABLES["official"])
# Everything a question or a claim may hold: the official ones and chat shorthand ("ko", "bn").
ABBREVIATIONS: dict[str, str] = {**OFFICIAL_ABBREVIATIONS, **_TABLES["chat"]}

# Abbreviations that are also ordinary syllables once folded ("tu" = tư/tự/từ, "du" = dự/dư):
# only expanded when written in capitals.
_CASE_SENSITIVE_ABBREVIATIONS = {"TU", "ĐU"}
# "nq72", "ct25", "ctr06": a type code glued to its number.
_GLUED_CODE = re.compile(r"\b(nq|ct|ctr|kh|cv|kl|qđ|qd)(\d{1,4})\b", re.IGNORECASE)
# Chat shorthand for an age glued to its number: "con 14t", "bạn trai e 19t" (14 tuổi, 19 tuổi).
_GLUED_AGE = re.compile(r"\b(\d{1,3})t\b")


# Upper-case Latin letters with Vietnamese diacritics ("À".."Ỹ" as a range would also take in the
# lower-case ones that Unicode interleaves with them).
UPPERCASE_LETTERS = "A-Z" + "".join(
    ch
    for ch in map(chr, range(0x00C0, 0x1EFA))
    if ch.isupper() and unicodedata.name(ch, "").startswith("LATIN")
)


def strip_format_characters(text: str) -> str:
    """Remove invisible Unicode format characters (category Cf): zero-width space and joiners, BOM,
    soft hyphen, bidi marks and overrides.

    Nobody types them on purpose, but pasted text carries them, and one inside a word splits it in
    two for the tokeniser: ``b\u200bh\u200by\u200bt`` would no longer be ``bhyt``.

    >>> strip_format_characters("b\u200bh\u200by\u200bt 2\u200d030")
    'bhyt 2030'
    """
    if text.isascii():
        return text
    stripped = text.translate(_bmp_format_characters())
    if max(stripped, default="") > "\uffff":  # beyond the BMP (rare): each character checked
        stripped = "".join(ch for ch in stripped if unicodedata.category(ch) != "Cf")
    return stripped


@functools.cache
def _bmp_format_characters() -> dict[int, None]:
    """The BMP's format characters as a ``str.translate`` table: one C pass over a question or a
    passage instead of a category lookup per character (built once, about 7 ms)."""
    return {point: None for point in range(0x10000) if unicodedata.category(chr(point)) == "Cf"}


def nfc(text: str) -> str:
    """The normalisation every comparison starts from: format characters removed, then NFC."""
    return unicodedata.normalize("NFC", strip_format_characters(text))


# The tone must end the syllable: in NFD a breve or circumflex may follow it ("hoặc" is o, a, dot
# below, breve, c), and such a syllable ("hoặc", "khoắn") is closed, its tone already in place.
_OLD_STYLE_TONE = re.compile(rf"(?<![qQ])([oO][aAeE]|[uU][yY])([{_TONE_MARKS}])(?![\w\u0300-\u036f])")


def normalize_tone_placement(text: str) -> str:
    """Put the tone mark on the main vowel in open ``oa``/``oe``/``uy`` syllables (modern style).

    >>> normalize_tone_placement("hoà thuý khoẻ quý")
    'hòa thúy khỏe quý'

    Closed syllables (``hoàng``, ``khuyến``) and ``qu`` syllables are already unambiguous and stay.
    """
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_STYLE_TONE.sub(lambda m: m.group(1)[0] + m.group(2) + m.group(1)[1], decomposed)
    return unicodedata.normalize("NFC", moved)


def normalize_text(text: str) -> str:
    """No format characters, NFC, one tone-placement convention: the form used for comparing Vietnamese text."""
    return normalize_tone_placement(nfc(text))


# Control characters that are dropped: C0 except \t \n (\r, \v, \f are turned into \n first),
# DEL, and C1 controls.
_DROP_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
_LINE_BREAKS = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")


def clean_document_text(text: str) -> str:
    """A document's text as published, made uniform: NFC, ``\\n`` line breaks, no BOM or control
    characters (``\\t`` kept), trailing blanks stripped on every line. Nothing else changes (quotes
    stay verbatim; :func:`normalize_text` is the stronger form used for comparing)."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _DROP_CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def fold_diacritics(text: str) -> str:
    """Remove all Vietnamese diacritics; ``đ`` has no decomposition so it is mapped by hand.

    >>> fold_diacritics("Đến năm 2030 tỷ lệ bao phủ")
    'Den nam 2030 ty le bao phu'
    """
    if len(text) <= _SHORT:
        return _fold_short(text)
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


# Syllables, terms and short phrases are folded over and over (each question, each candidate
# passage): remembering them took folding, the largest Python cost per question in the profile,
# out of the way. Long texts are folded once and not kept.
_SHORT = 48
_fold_short = functools.lru_cache(maxsize=65536)(_fold)


def has_diacritics(text: str) -> bool:
    return fold_diacritics(text) != text


def is_unaccented(text: str) -> bool:
    """True for Vietnamese typed without diacritics ("bao hiem y te"), i.e. letters but no marks."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not has_diacritics(text)


def strip_markdown(text: str) -> str:
    """Remove the ``**``/``*`` emphasis artefacts left by document conversion."""
    return _MARKDOWN_ARTEFACT.sub("", text)


def syllables(text: str, *, keep_case: bool = False) -> list[str]:
    """Lower-cased, normalised syllables and numbers; one-letter syllables ("y", "ở") are kept.

    >>> syllables("Y tế ở 98% dân số")
    ['y', 'tế', 'ở', '98%', 'dân', 'số']
    """
    normalised = normalize_text(text)
    return [m.group(0) for m in _WORD.finditer(normalised if keep_case else normalised.lower())]


def syllable_matches(normalised: str) -> list[re.Match[str]]:
    """Where :func:`syllables` finds its syllables and numbers in an already normalised text (case
    kept), for rewriting them in place."""
    return list(_WORD.finditer(normalised))


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})(?:ch|ng|nh|[cmnpt])?$"
)


def is_syllable(folded: str) -> bool:
    """Whether a folded syllable is shaped like Vietnamese: onset, vowels, coda.

    >>> is_syllable("phim"), is_syllable("nghieng"), is_syllable("hiemm"), is_syllable("tee")
    (True, True, False, False)
    """
    return bool(_SYLLABLE.match(folded)) and not re.search(r"(.)\1", folded)


# After a consonant, a final "y" and "i" are one sound spelt two ways: "tỷ lệ" / "tỉ lệ", "kỹ
# thuật" / "kĩ thuật", "lý do" / "lí do", "công ty" / "công ti". ("uy", "ay", "ây" are other vowels.)
_FINAL_Y_AFTER_CONSONANT = re.compile(r"^([bcdghklmnpqrstvx]+)y$")


def spelling_key(folded: str) -> str:
    """A folded syllable with the y/i spelling variants made one (``"ty"`` → ``"ti"``), for
    deciding whether two texts say the same word.

    >>> spelling_key("ty"), spelling_key("ky"), spelling_key("huy"), spelling_key("y")
    ('ti', 'ki', 'huy', 'y')
    """
    return _FINAL_Y_AFTER_CONSONANT.sub(r"\1i", folded)


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by at most one insertion, deletion or substitution (of a whole
    NFC letter: "ấ" → "á" is one)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


def folded_syllables(text: str) -> list[str]:
    return [fold_diacritics(s) for s in syllables(text)]


def _expand_doc_number(number: str) -> str:
    parts = re.split(r"\s?[-/]\s?", number)
    words = []
    for part in parts[1:]:
        expansion = DOC_NUMBER_CODES.get(part.upper()) or _FOLDED_DOC_NUMBER_CODES.get(fold_diacritics(part).upper())
        if expansion:
            words.append(expansion)
    return " ".join(words)


# Codes typed without diacritics ("HDND", "307-CV/DU", "QD") mean the same as their Đ forms, so
# accented and unaccented text get the same expansions; a written key wins ("DV" = dân vận, not ĐV).
_FOLDED_DOC_NUMBER_CODES = {fold_diacritics(k): v for k, v in DOC_NUMBER_CODES.items()}
_ABBREVIATION_KEYS = {**{fold_diacritics(k): k for k in ABBREVIATIONS}, **{k: k for k in ABBREVIATIONS}}
_ABBREVIATION_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(sorted((re.escape(k) for k in _ABBREVIATION_KEYS), key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)


def expand_abbreviations(text: str) -> str:
    """Append the full form after each abbreviation and document-number code, so both match.

    >>> expand_abbreviations("NQ 72 về BHYT")
    'NQ (nghị quyết) 72 về BHYT (bảo hiểm y tế)'

    Document numbers keep their own token and gain their codes' meaning:
    ``72-NQ/TW`` → ``72-NQ/TW (nghị quyết trung ương)``. Abbreviations that are also
    syllables once folded ("TU", "ĐU") are expanded only when written in capitals.
    """
    text = _GLUED_AGE.sub(r"\1 tuổi", _GLUED_CODE.sub(r"\1 \2", nfc(text)))
    out: list[str] = []
    pos = 0
    for match in DOC_NUMBER_PATTERN.finditer(text):
        out.append(_expand_plain_abbreviations(text[pos : match.start()]))
        expansion = _expand_doc_number(match.group(0))
        out.append(match.group(0) + (f" ({expansion})" if expansion else ""))
        pos = match.end()
    out.append(_expand_plain_abbreviations(text[pos:]))
    return "".join(out)


def abbreviation_meaning(written: str) -> str | None:
    """The full form of an abbreviation as written ("HNGĐ", "HNGD" → "hôn nhân và gia đình"), if it is one."""
    key = _ABBREVIATION_KEYS.get(written.upper())
    return ABBREVIATIONS[key] if key is not None else None


def _expand_plain_abbreviations(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        written = match.group(1)
        key = _ABBREVIATION_KEYS.get(written.upper())
        if key is None:
            return written
        if key in _CASE_SENSITIVE_ABBREVIATIONS and written != written.upper():
            return written
        return f"{written} ({ABBREVIATIONS[key]})"

    return _ABBREVIATION_PATTERN.sub(replace, text)


# Everyday words citizens use for things the documents name formally ("thuốc nam" → y học cổ
# truyền): a data file, hoidap/data/colloquial.toml. Keys are folded, except the few written with
# diacritics, which match only when typed with them.
def _colloquial_synonyms() -> dict[str, str]:
    text = resources.files("hoidap.data").joinpath("colloquial.toml").read_text(encoding="utf-8")
    return {nfc(key).lower(): value for table in tomllib.loads(text).values() for key, value in table.items()}


COLLOQUIAL_SYNONYMS: dict[str, str] = _colloquial_synonyms()
_COLLOQUIAL_PATTERN = re.compile(
    r"\b("
    + "|".join(sorted((re.escape(k) for k in COLLOQUIAL_SYNONYMS if not has_diacritics(k)), key=len, reverse=True))
    + r")\b"
)
_ACCENTED_COLLOQUIAL = re.compile(
    r"\b("
    + "|".join(sorted((re.escape(k) for k in COLLOQUIAL_SYNONYMS if has_diacritics(k)), key=len, reverse=True))
    + r")\b"
)
COLLOQUIAL_WORDS = frozenset(w for key in COLLOQUIAL_SYNONYMS for w in fold_diacritics(key).split())


def expand_colloquial(text: str) -> str:
    """Append the documents' wording for everyday phrases in a question.

    >>> expand_colloquial("phường có khuyến khích thuốc nam không")
    'phường có khuyến khích thuốc nam không (y học cổ truyền)'
    """
    lowered = nfc(text).lower()
    folded = fold_diacritics(lowered)
    additions = unique(
        [COLLOQUIAL_SYNONYMS[m.group(1)] for m in _COLLOQUIAL_PATTERN.finditer(folded)]
        + [COLLOQUIAL_SYNONYMS[m.group(1)] for m in _ACCENTED_COLLOQUIAL.finditer(lowered)]
    )
    return f"{text} ({'; '.join(additions)})" if additions else text


def doc_numbers(text: str) -> list[str]:
    """Document numbers mentioned in ``text``, normalised (no inner spaces), in order."""
    return [re.sub(r"\s+", "", m.group(0)) for m in DOC_NUMBER_PATTERN.finditer(nfc(text))]


def doc_number_key(number: str) -> str:
    """Comparable form of a document number: folded, lower case, no spaces. ``72-NQ/TW`` → ``72-nq/tw``."""
    return fold_diacritics(re.sub(r"\s+", "", number)).lower()


def lexical_terms(text: str) -> list[str]:
    """The terms BM25 indexes: folded syllables, syllable bigrams and whole document numbers.

    The same function runs on passages and on questions, so "bao hiem y te" and "bảo hiểm y tế"
    produce identical terms, and "NQ 72" shares terms with "Nghị quyết số 72-NQ/TW".

    >>> lexical_terms("Y tế cơ sở")
    ['y', 'te', 'co', 'so', 'y_te', 'te_co', 'co_so']
    """
    numbers = [doc_number_key(n) for n in doc_numbers(text)]
    units = folded_syllables(strip_markdown(expand_abbreviations(text)))
    bigrams = [f"{a}_{b}" for a, b in zip(units, units[1:], strict=False)]
    return units + bigrams + numbers


def unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]
