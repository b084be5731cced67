"""Turn a follow-up ("còn năm 2045 thì sao?") into a question that stands on its own.

Chat users ask in fragments: after "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?" they type
"còn năm 2045 thì sao?", "còn UBND phường thì sao?", "ai ký văn bản đó?" or just "ai ký?". The
retriever and the answer composer only see one question, so the fragment is rewritten with the
previous turn's wording, by rules (no model):

- **year**: a fragment that is only a year replaces the year of the previous question
  ("còn năm 2045 thì sao?" → "Đến năm 2045 tỷ lệ bao phủ BHYT đạt bao nhiêu?");
- **actor**: a fragment naming an organisation or group replaces the one in the previous question
  ("còn UBND phường thì sao?" → "UBND phường có nhiệm vụ gì?");
- **topic**: any other "còn X thì sao?" keeps the previous question's year and question words
  around the new topic X ("còn tuổi thọ thì sao?" → "Đến năm 2030 tuổi thọ đạt bao nhiêu?");
- **reference**: "văn bản đó", "nó", "việc này" point back to the document or topic just asked about;
- **ellipsis**: a short question with no subject of its own ("ai ký?", "khi nào?") borrows it.

Anything else is returned unchanged. Rules run on a diacritic-folded copy aligned character by
character with the original, so they work for unaccented typing and cut the original text exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hoidap.profile import referring_nouns
from hoidap.vntext import DOC_NUMBER_PATTERN, fold_diacritics, normalize_text

Rule = Literal["none", "year", "actor", "topic", "reference", "ellipsis"]


@dataclass(frozen=True)
class Rewrite:
    """The question to answer and the rule that produced it (``none``: asked as typed)."""

    question: str
    rule: Rule = "none"

    @property
    def rewritten(self) -> bool:
        return self.rule != "none"


# ---------------------------------------------------------------------------------------- patterns
# All patterns run on folded, lower-cased text ("con nam 2045 thi sao").

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_YEAR_PHRASE = re.compile(
    r"(?:\b(?:den|toi|tu|vao|trong|truoc|sau|giai doan)\s+)?(?:\bnam\s+)?\b(?:19|20)\d\d\b"
    r"(?:\s*[-–]\s*(?:19|20)\d\d\b)?"
)
_YEAR_ONLY = re.compile(r"^(?:(?:den|toi|vao|trong|tu|giai doan)\s+)?(?:nam\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?$")
# Sentence-final particles that carry politeness, not meaning ("… thì sao ạ", "… nhỉ").
_PARTICLES = re.compile(r"(?:\s+(?:a|nhi|nhe|ha|vay|oi|the))+$")
_LEAD = re.compile(r"^(?:(?:the|vay)(?:\s+thi)?\s+)?con\s+")
_TAIL_WITH_THI = re.compile(r"\s*\bthi\s+(?:sao|the nao|nhu the nao|ra sao|nhu nao)$")
_TAIL_AFTER_CON = re.compile(r"\s*\b(?:thi\s+)?(?:sao|the nao|nhu the nao|ra sao|nhu nao|nua|thi sao)$")
_INTERROGATIVE = re.compile(
    r"\b(?:bao nhieu|la gi|gi|nao|khi nao|bao gio|the nao|ra sao|ai|o dau|tai sao|vi sao|khong|chua|may)\b"
)
_LEADING_QUESTION = re.compile(
    r"^(?:(?:cho (?:toi|minh|em) hoi|xin hoi|hoi)\s+)?"
    r"(?:ai|khi nao|bao gio|nam nao|ngay nao|tai sao|vi sao|o dau|co quan nao|don vi nao)"
    r"(?:\s+(?:ky|ban hanh|chu tri|phu trach|thuc hien|la|se|da|duoc|co|phai|can))?\b"
)
_TRAILING_QUESTION = re.compile(
    r"(?:\b(?:dat|la|co|gom|duoc|lam|chiem|tang|giam|se|phai|can|bang)\s+)?"
    r"\b(?:bao nhieu(?:\s+(?:phan tram|nam|tuoi|lan|nguoi))?|nhung gi|la gi|gi|nao|khi nao|bao gio|"
    r"the nao|nhu the nao|ra sao|o dau|ai|khong|chua|may)$"
)
# Words that ask or link but name no subject: a question made only of these borrows one.
_GENERIC_WORDS = frozenset(
    """ai gi nao bao nhieu gio khi luc may sao the nhu ra o dau la co khong chua duoc phai can se da dang
    ky ban hanh ngay thang nam so hieu chu tri phu trach thuc hien trien khai giao nhiem vu trach
    lam gui cho nhan noi toi minh em hoi xin biet vay thi con a nhi nhe ha oi dat muc tieu chi tieu
    ti ty le bao gom nhung cac va hay hoac boi tai vi de do""".split()
)
_DOCUMENT_NOUN = rf"(?:van ban|tai lieu|{referring_nouns(codes=False)})"
_DOCUMENT_REFERENCE = re.compile(rf"\b{_DOCUMENT_NOUN}\s+(?:do|nay|ay|tren|kia|vua roi|vua neu|vua hoi)\b")
_TOPIC_REFERENCE = re.compile(
    r"\b(?:cai|dieu|viec|van de|muc tieu|chi tieu|noi dung|chinh sach|nhiem vu)\s+(?:do|nay|ay|tren)\b"
)
# "nó" is only unambiguous with its diacritics ("no" is also "nợ", "no" = full).
_IT = re.compile(r"\bnó\b")
_DOCUMENT_TYPE_BEFORE_NUMBER = re.compile(rf"\b{_DOCUMENT_NOUN}\s+(?:so\s+)?$")

# Organisations and groups that questions are asked about. Single syllables that are ambiguous once
# folded (sở/số/sổ, bộ/bỏ, phòng/phong, hội/hỏi) only count when typed with their diacritics.
_ACTOR_HEADS_ACCENTED = ("sở", "bộ", "phòng", "hội", "đoàn", "ban", "tỉnh", "huyện", "xã", "phường", "trường")
_ACTOR_HEADS_FOLDED = (
    "uy ban", "ubnd", "mttq", "mat tran", "dang uy", "dang bo", "chi bo", "thanh uy", "tinh uy",
    "huyen uy", "quan uy", "cong doan", "cong an", "quan doi", "thanh doan", "doan thanh nien",
    "tram y te", "trung tam", "benh vien", "van phong", "nguoi dan", "nhan dan", "can bo",
    "dang vien", "tre em", "nguoi cao tuoi", "chinh quyen", "co quan", "doanh nghiep", "thanh pho",
    "ha noi", "hai phong", "bo y te", "so y te", "hoi phu nu", "hoi nong dan", "hoi cuu chien binh",
)  # fmt: skip
# Where an actor's name ends inside a question ("Sở Y tế | có nhiệm vụ gì").
_ACTOR_BOUNDARY = frozenset(
    """co phai duoc can lam thuc chiu phu chu la gi nao giao tham trien ban ky dat gom nhan se da dang
    trong ve voi cho tai den nam nhiem trach bao khi ra thi va hay the nhu""".split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# ----------------------------------------------------------------------------------------- helpers
def fold_aligned(text: str) -> str:
    """Fold diacritics and lower-case, keeping one output character per input character.

    >>> fold_aligned("Đến năm 2030")
    'den nam 2030'

    so that a match found in the folded copy slices the original at the same offsets.
    """
    out = []
    for char in text:
        folded = fold_diacritics(char).lower()
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _trim(text: str) -> str:
    """Drop surrounding spaces and punctuation (keeps inner punctuation such as "307-CV/ĐU")."""
    return text.strip(" \t\n?!.,;:…")


@dataclass(frozen=True)
class _Parts:
    """A previous question cut into its question words, year phrase and subject."""

    lead: str  # "Ai ký"
    trail: str  # "đạt bao nhiêu"
    years: str  # "Đến năm 2030"
    core: str  # everything but lead/trail, years included
    topic: str  # core without the year phrase


def _parts(question: str) -> _Parts:
    text = _trim(question)
    folded = fold_aligned(text)
    lead_end = 0
    if match := _LEADING_QUESTION.search(folded):
        lead_end = match.end()
    trail_start = len(text)
    if match := _TRAILING_QUESTION.search(folded):
        if match.start() >= lead_end:
            trail_start = match.start()
    lead, trail = _trim(text[:lead_end]), _trim(text[trail_start:])
    core = text[lead_end:trail_start]
    folded_core = folded[lead_end:trail_start]
    year_match = _YEAR_PHRASE.search(folded_core)
    years = core[year_match.start() : year_match.end()] if year_match else ""
    topic = core
    if year_match:
        topic = core[: year_match.start()] + " " + core[year_match.end() :]
    return _Parts(lead=lead, trail=trail, years=_trim(years), core=_squash(_trim(core)), topic=_squash(_trim(topic)))


def _join(*pieces: str, capitalize: bool = True) -> str:
    """Pieces as one question; capitalised like the question it came from ("bhyt …" stays lower case)."""
    text = _squash(" ".join(p for p in pieces if p))
    if capitalize:
        text = text[:1].upper() + text[1:]
    return text + "?" if text else text


def _document_reference(question: str) -> str | None:
    """The document a question names, with its type when written ("công văn 307-CV/ĐU")."""
    match = DOC_NUMBER_PATTERN.search(question)
    if not match:
        return None
    start = match.start()
    before = fold_aligned(question[:start])
    if type_match := _DOCUMENT_TYPE_BEFORE_NUMBER.search(before):
        start = type_match.start()
    return question[start : match.end()].strip()


def _actor_span(text: str) -> tuple[int, int] | None:
    """Where the first organisation or group named in ``text`` starts and ends."""
    folded = fold_aligned(text)
    lowered = text.lower()
    starts = []
    for head in _ACTOR_HEADS_FOLDED:
        if match := re.search(rf"\b{re.escape(head)}\b", folded):
            starts.append(match.start())
    for head in _ACTOR_HEADS_ACCENTED:
        if match := re.search(rf"\b{re.escape(head)}\b", lowered):
            starts.append(match.start())
    if not starts:
        return None
    start = min(starts)
    end = start
    for index, word in enumerate(_WORD.finditer(folded, start)):
        if index > 0 and word.group(0) in _ACTOR_BOUNDARY:
            break
        end = word.end()
    return start, end


def _starts_with_actor(fragment: str) -> bool:
    span = _actor_span(fragment)
    return span is not None and span[0] == 0


def _replace_years(base: str, new_years: list[str]) -> str:
    """Put ``new_years`` in place of the base question's years; the horizon ("đến năm …") first."""
    folded = fold_aligned(base)
    old_years = list(dict.fromkeys(_YEAR.findall(folded)))
    horizon = re.search(r"\b(?:den|toi)\s+(?:nam\s+)?((?:19|20)\d\d)\b", folded)
    if horizon and len(new_years) == 1:
        old_years.remove(horizon.group(1))
        old_years.insert(0, horizon.group(1))
    mapping = dict(zip(old_years, new_years, strict=False))
    return _YEAR.sub(lambda m: mapping.get(m.group(0), m.group(0)), base)


# ------------------------------------------------------------------------------------------- rules
def _fragment(text: str, folded: str) -> str | None:
    """X in "còn X thì sao?", "X thì sao?", "còn X?"; ``None`` when the question is not of that form."""
    lead = _LEAD.match(folded)
    start = lead.end() if lead else 0
    tail = (_TAIL_AFTER_CON if lead else _TAIL_WITH_THI).search(folded, start)
    if lead is None and tail is None:
        return None
    end = tail.start() if tail else len(folded)
    fragment, folded_fragment = _trim(text[start:end]), folded[start:end]
    words = folded_fragment.split()
    if not words:
        return None
    # "Còn bao nhiêu người chưa có BHYT?" is a question of its own, not "còn X?".
    if tail is None and (len(words) > 6 or _INTERROGATIVE.search(folded_fragment)):
        return None
    if len(words) > 10:
        return None
    return fragment


def _follow_fragment(fragment: str, base: str) -> Rewrite:
    upper = base[:1].isupper()
    folded_fragment = fold_aligned(fragment)
    new_years = _YEAR.findall(folded_fragment)
    if new_years and _YEAR_ONLY.match(_squash(folded_fragment)):
        if _YEAR.search(fold_aligned(base)):
            return Rewrite(_join(_trim(_replace_years(base, new_years)), capitalize=upper), "year")
        parts = _parts(base)
        return Rewrite(_join(parts.lead, parts.core, fragment, parts.trail, capitalize=upper), "year")
    if _starts_with_actor(fragment) and (span := _actor_span(base)) is not None:
        return Rewrite(_join(_trim(base[: span[0]] + fragment + base[span[1] :]), capitalize=upper), "actor")
    parts = _parts(base)
    return Rewrite(
        _join(parts.lead, "" if new_years else parts.years, fragment, parts.trail, capitalize=upper), "topic"
    )


def _subject(base: str) -> str:
    """What the previous question was about: its document if it named one, else its subject."""
    return _document_reference(base) or _parts(base).core


def standalone_question(question: str, history: Sequence[str]) -> Rewrite:
    """Rewrite ``question`` using the conversation so far (``history``: earlier standalone questions, oldest first).

    >>> standalone_question("còn năm 2045 thì sao?", ["Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"]).question
    'Đến năm 2045 tỷ lệ bao phủ BHYT đạt bao nhiêu?'
    """
    text = _squash(normalize_text(question))
    if not history or not text:
        return Rewrite(text)
    base = _squash(normalize_text(history[-1]))
    folded = _PARTICLES.sub("", fold_aligned(_trim(text)))
    trimmed = _trim(text)[: len(folded)]

    if _YEAR_ONLY.match(folded):
        return _follow_fragment(trimmed, base)
    fragment = _fragment(trimmed, folded)
    if fragment:
        return _follow_fragment(fragment, base)

    if match := _DOCUMENT_REFERENCE.search(folded):
        reference = _document_reference(base)
        if reference:
            rewritten = trimmed[: match.start()] + reference + trimmed[match.end() :]
            return Rewrite(_join(_trim(rewritten)), "reference")
        return Rewrite(_join(trimmed, f"({_parts(base).core})"), "reference")
    if (match := _TOPIC_REFERENCE.search(folded)) or (match := _IT.search(trimmed.lower())):
        subject = _subject(base)
        rewritten = trimmed[: match.start()] + subject + trimmed[match.end() :]
        return Rewrite(_join(_trim(rewritten)), "reference")

    words = folded.split()
    if len(words) <= 6 and all(word in _GENERIC_WORDS for word in words):
        return Rewrite(_join(trimmed, _subject(base)), "ellipsis")
    return Rewrite(text)
