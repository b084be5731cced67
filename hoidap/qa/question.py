"""What a question asks for, read from its wording (accented or not)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from hoidap.profile import referring_nouns
from hoidap.vntext import (
    ABBREVIATIONS,
    doc_number_key,
    doc_numbers,
    expand_abbreviations,
    fold_diacritics,
    normalize_text,
    syllables,
)

_ABBREVIATION_KEYS = frozenset(fold_diacritics(k).lower() for k in ABBREVIATIONS)

Intent = Literal[
    "signer", "date", "recipients", "issuer", "doc_number", "title", "references",
    "quantity", "when", "actor", "list", "yesno", "content",
]  # fmt: skip

_NOT = r"(?:khong|ko|k|hok|khg|hong)"  # "không", also as typed in chat
# A yes/no question: "có phải …", "… đúng không", "có mất lệ phí ko", "đúng hay sai".
WHETHER = re.compile(rf"\b(co phai|phai {_NOT}|dung {_NOT}|co dung|co .{{1,40}} {_NOT}|hay {_NOT}|dung hay sai)\b")

# Patterns run on the folded, lower-cased question ("ai ky", not "ai ký"), so they work
# whether or not the question was typed with diacritics. Order matters: first match wins.
_INTENT_PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    ("signer", re.compile(r"\b(do (d/c |dong chi |ong |ba )?[a-z ]{3,40} ky (khong|ko|k|phai khong|dung khong)|ai ky|nguoi ky|ky boi|do ai ky|ky ten|ai da ky|chu ky(?! so| dien tu)|ky van ban|ky ban hanh|chuc vu gi|chuc danh gi|chuc vu nao)\b")),
    ("recipients", re.compile(r"\b(gui (cho |den |toi |len )?(ai|nhung ai|nhung noi|don vi nao|co quan nao|nhung don vi|nhung co quan)|kinh gui|noi nhan|gui bao cao|(nhung ai|ai|don vi nao|co quan nao|nhung don vi nao|nhung noi nao) (duoc )?nhan|bao cao (len |cho |ve )?(co quan nao|ai|dau|cap nao))\b")),
    ("date", re.compile(r"\b((ra|ban hanh|ky) (vao )?ngay \d{1,2}/\d{1,2}|ngay nao|ngay bao nhieu|ngay may|ngay bn|thang may|thang nao|ban hanh (vao )?(ngay|hom|khi|luc|thang|nam)( nao| bao gio)?|hom nao|ky (vao |ngay )|ngay ban hanh|thoi gian ban hanh|ban hanh bao gio|ban hanh khi nao|ngay thang nam)")),
    ("doc_number", re.compile(r"\b(so hieu|so may|so van ban|mang so|co so hieu|so,? ky hieu|ky hieu (cua )?(van ban|ke hoach|cong van|nghi quyet|chi thi|quyet dinh)|ky hieu (la )?(gi|nao))\b")),
    ("title", re.compile(r"\b(v/v gi|vv gi|ve viec gi|trich yeu|tieu de|ten (day du |chinh xac )?(cua )?(van ban|ke hoach|cong van|chi thi|nghi quyet|chuong trinh)\b.{0,60}\b(la gi|ra sao|the nao)|(van ban|ke hoach|cong van)( nay)? (co )?ten (la )?gi)\b")),
    ("issuer", re.compile(r"\b((co quan|don vi|cap) nao ban hanh|ai ban hanh|do ai ban hanh|cua co quan nao|ban hanh boi|noi ban hanh|tham quyen ban hanh)\b")),
    ("references", re.compile(r"\b((thuc hien|can cu|trien khai|dua tren|theo|cu the hoa) (van ban|nghi quyet|chi thi|cong van|ke hoach|chuong trinh|ket luan)( so)? nao|can cu (vao )?(dau|gi)|nhung van ban nao)\b")),
    ("list", re.compile(r"\b(nhung gi|gom nhung|bao gom|gom (co )?nhung|nhung (noi dung|nhiem vu|giai phap|hinh thuc|bien phap|quan diem|muc tieu|viec|yeu cau|nhom)|cac (noi dung|nhiem vu|giai phap|hinh thuc|bien phap|quan diem|nhom|yeu cau)|liet ke|hinh thuc nao|nhung nao|gom gi|co nhung)\b")),
    ("quantity", re.compile(r"\b(bao nhieu|may (lan|nam|tuoi|cm|phan tram|nhom|quan diem)|ty le|ti le|phan tram|chi tieu|muc bao|it nhat|toi thieu|tang them|dat muc)\b|%")),
    ("when", re.compile(r"\b(khi nao|bao gio|nam nao|thoi han|luc nao|den nam nao|tu nam nao|thoi gian nao|quy nao|han chot)\b")),
    ("actor", re.compile(r"\b(ai |ai$|co quan nao|don vi nao|ban nao|to chuc nao|bo phan nao|phong nao|ai chu tri|chu tri|phu trach|giao cho|duoc giao|trach nhiem|phan cong|ai lam|ai thuc hien|ai chiu)")),
    ("yesno", WHETHER),
]

STOPWORDS = frozenset(
    """la gi nao bao nhieu ai co khong cua va cac nhung duoc thi sao the nhu o dau khi may voi cho trong
    ve de do nay ay vay a oi nhe ha hay hoac phai dung can se da dang ra len tai theo mot moi lam
    minh toi ban em anh chi oi xin hoi cho biet giup biet muon hoi vui long duoc khong nhi
    van ban tai lieu noi quy dinh thuc hien gom
    giong chenh lech nhau sanh luon rat""".split()  # comparison words: "giống nhau", "chênh lệch", "so sánh"
)


_STOP_ENTRIES = [
    normalize_text(line).lower().strip()
    for line in resources.files("hoidap.data").joinpath("stopwords_vi.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
ACCENTED_STOPWORDS = frozenset(entry for entry in _STOP_ENTRIES if " " not in entry)
_STOP_PHRASES = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(e) for e in _STOP_ENTRIES if " " in e) + r")(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True)
class Question:
    text: str  # normalised (NFC, tone placement)
    folded: str  # folded, lower case, single spaces
    intent: Intent
    doc_number_keys: tuple[str, ...]
    years: tuple[str, ...]
    content_terms: tuple[str, ...]  # folded syllables that carry meaning


# A date question is about a document's own date when it uses an issuing verb, or when it
# opens with the document ("CTr 03-CTr/TU … ngày nào"); otherwise it asks when something happens.
_ISSUING = re.compile(r"\b(ban hanh|ky|ra doi|co hieu luc|ra (vao )?(ngay|thang)|ra thang|soan)\b")
_DOCUMENT_FIRST = re.compile(rf"^(van ban|{referring_nouns()})\b")


# "kí" is a common spelling of "ký" (sign): the patterns are written with "ky".
_KI = re.compile(r"\bki\b")


def intent_of(folded: str) -> Intent:
    folded = _KI.sub("ky", folded)
    for intent, pattern in _INTENT_PATTERNS:
        if pattern.search(folded):
            # "Ngày Sức khỏe toàn dân là ngày nào" asks about an event, not a document's date.
            if intent == "date" and not (_ISSUING.search(folded) or _DOCUMENT_FIRST.search(folded)):
                return "when"
            return intent
    return "content"


# The closing words of a true/false question ("…, đúng hay sai?", "… là đúng hay sai?"): they ask
# for a verdict and say nothing about which provision decides it.
_VERDICT_TAIL = re.compile(r"[\s,.;:]*(?:(?:là|la)\s+)?(?:đúng|dung)\s+(?:hay|hoặc|hoac)\s+(?:sai)\s*[?.]*\s*$", re.IGNORECASE)


def _is_stopword(word: str) -> bool:
    """A syllable written with diacritics is tested exactly ("tại" is, "tài" is not); one without
    (an unaccented question, or a word that has none) against the folded list."""
    folded = fold_diacritics(word)
    if folded in _ABBREVIATION_KEYS:
        return True
    if folded == word.lower():
        return folded in STOPWORDS
    return word.lower() in ACCENTED_STOPWORDS


def analyse(question: str, accented: str | None = None) -> Question:
    """``accented``: the question with its diacritics restored (same words, same layout), when it
    was typed without them. Its content words are then told from question words the way an accented
    question's are ("co quan bao chi" is "cơ quan báo chí": content, not "có … bao … chỉ")."""
    text = normalize_text(question).strip()
    folded = " ".join(fold_diacritics(text).lower().split())
    reading = text
    if accented is not None:
        accented = normalize_text(accented).strip()
        if fold_diacritics(accented).lower() == fold_diacritics(text).lower():
            reading = accented
    # "BHYT" counts as "bảo hiểm y tế": the abbreviation itself is dropped after expansion.
    stripped = _STOP_PHRASES.sub(" ", expand_abbreviations(_VERDICT_TAIL.sub("", reading)))
    content = tuple(
        fold_diacritics(word) for word in syllables(stripped) if not _is_stopword(word)
    )
    return Question(
        text=text,
        folded=folded,
        intent=intent_of(folded),
        doc_number_keys=tuple(doc_number_key(n) for n in doc_numbers(text)),
        years=tuple(re.findall(r"\b(?:19|20)\d\d\b", text)),
        content_terms=content,
    )
