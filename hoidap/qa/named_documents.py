"""Documents a question names by title ("Theo Luật Điện ảnh, …"), and whether the collection has them.

Laws, codes and ordinances are named by their title rather than their number; a question about
"Luật Điện ảnh" answered from "Luật Giáo dục" is a wrong answer however close the wording, so
the refusal stage asks here first. Names are read where people capitalise them ("Luật Trồng
trọt", "Luat Trong trot"); "theo quy định của pháp luật", "luật sư" or "Luật này" name nothing.

>>> named_titles("Theo Luật Điện ảnh 2022, phim phải được phân loại, đúng hay sai?")
['Luật Điện ảnh']
>>> named_titles("Theo quy định của pháp luật, luật sư có quyền gì?")
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hoidap.domain import Document
from hoidap.vntext import UPPERCASE_LETTERS, abbreviation_meaning, fold_diacritics

# Types named by a title of their own (not by a number): folded → as written.
_TITLED_TYPES = {"bo luat": "Bộ luật", "luat": "Luật", "phap lenh": "Pháp lệnh"}
# "pháp luật Việt Nam" is the law in general, not a law's name.
_TYPE_WORD = re.compile(
    r"(?<![\w])(?<!pháp\s)(?<!phap\s)(?<!Pháp\s)(?<!Phap\s)(Bộ luật|Bo luat|Luật|Luat|Pháp lệnh|Phap lenh)\s+",
    re.IGNORECASE,
)
# A name written in lower case ("Theo Luật điện ảnh, …") counts only after a capitalised type word.
_LOWER_NAME = re.compile(r"[^\W\d_][^\s,.;:?!()]*(?:,\s+(?:chống|chong)\b)?(?:\s+[^\s,.;:?!()]+){0,7}")
# "Theo Luật X, …", "Căn cứ Luật X …", "Luật X quy định …" at the start: the question's source.
_FRAMING = re.compile(
    r"^\s*(?:(?:theo|căn cứ|can cu)\s+(?:(?:quy định|quy dinh)\s+(?:của|cua|tại|tai)\s+)?)?$", re.IGNORECASE
)
# A name starts with a capital ("Điện ảnh", "Trồng trọt", "Hôn nhân và gia đình") and runs to a
# comma, a year, "số", or a verb that follows a name; at most eight syllables.
_NAME = re.compile(
    rf"[{UPPERCASE_LETTERS}][^\s,.;:?!()]*(?:,\s+(?:chống|chong)\b)?(?:\s+[^\s,.;:?!()]+){{0,7}}"
)
_NAME_STOP = re.compile(
    r"\s+(?:năm|nam|số|so|\d+|quy|quy định|có|co|thì|thi|đã|da|được|duoc|không|khong|là|la|của|cua|"
    r"hiện hành|hien hanh|sửa đổi|sua doi|mới|moi|đúng|dung|cho|về|ve|khi|nếu|neu|phải|phai)\b.*$",
    re.IGNORECASE,
)
# "Luật này", "Luật đó", "Luật sư", "luật định", "luật lệ".
_TITLE_YEAR = re.compile(
    r"(?:Hiến pháp|Hien phap|Bộ luật|Bo luat|Luật|Luat|Pháp lệnh|Phap lenh|BLDS|BLHS|BLLĐ)[^,.;:?!()\d]{0,60}?"
    r"(?:\s+(?:năm|nam))?\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_NOT_NAMES = {"nay", "do", "kia", "khac", "su", "dinh", "le", "phap", "chung", "nao", "viet"}


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold_diacritics(text).lower()).split())


def named_titles(text: str, *, framed_only: bool = False) -> list[str]:
    """Titles of laws, codes and ordinances a question names, as written ("Luật Điện ảnh").

    ``framed_only``: only those the question takes as its source ("Theo Luật X, …").
    """
    found: list[str] = []
    for match in _TYPE_WORD.finditer(text):
        if framed_only and not _FRAMING.search(text[: match.start()]):
            continue
        rest = text[match.end() :]
        name = _NAME.match(rest) or (_LOWER_NAME.match(rest) if match.group(1)[0].isupper() else None)
        if not name:
            continue
        words = _NAME_STOP.sub("", name.group(0)).strip()
        if not words or _fold(words).split()[0] in _NOT_NAMES:
            continue
        kind = _TITLED_TYPES[_fold(match.group(1))]
        found.append(f"{kind} {words}")
    return list(dict.fromkeys(found))


def _spelled_out(title: str) -> str:
    """``title`` with its abbreviated words written out (hoidap/data/abbreviations.toml): "Luật
    HNGĐ", "Luat HNGD" → "Luật hôn nhân và gia đình"."""
    words = []
    for word in title.split():
        bare = word.rstrip(",")
        spelled = abbreviation_meaning(bare) if bare.isupper() else None
        words.append(spelled + word[len(bare) :] if spelled else word)
    return " ".join(words)


def _key(title: str) -> str:
    """The type and the first three syllables of the name: enough to tell laws apart, and robust
    to a name read too far ("Luật di sản văn hóa thuộc sở hữu …")."""
    words = _fold(title).split()
    kind_words = 2 if words[:2] in (["bo", "luat"], ["phap", "lenh"]) else 1
    return " ".join(words[: kind_words + 3])


def _held_titles(documents: Iterable[Document]) -> list[str]:
    titles = []
    for document in documents:
        for candidate in (document.metadata.title, document.metadata.doc_type and document.metadata.title):
            if candidate:
                titles.append(_fold(candidate))
    return titles


def absent_titles(text: str, documents: dict[str, Document]) -> list[str]:
    """Named titles no document in the collection carries.

    A name matches a held title when the shorter's syllables open the longer one: "Luật Giáo
    dục năm 2019" names "Luật Giáo dục"; "Bộ luật Dân sự 2015" names "Bộ luật dân sự".
    Only a law the question takes as its source counts ("Theo Luật Trồng trọt, …"): one it
    mentions in passing ("… quy định tại Bộ luật hình sự, đúng hay sai?") may be the very detail a
    false statement swapped, which the provision it paraphrases answers.
    """
    named = named_titles(text, framed_only=True)
    if not named:
        return []  # most questions name no law: the collection's titles need not be read
    held = _held_titles(documents.values())
    absent = []
    for title in named:
        spellings = {title, _spelled_out(title)}
        if not any(h.startswith(_key(t)) or _fold(t).startswith(h) for t in spellings for h in held):
            absent.append(title)
    return absent


def title_years(text: str) -> set[str]:
    """Years that date a named law rather than ask about a time: "Luật Giáo dục năm 2019",
    "BLDS 2015", "Hiến pháp năm 2013" → {"2019", "2015", "2013"}."""
    return set(_TITLE_YEAR.findall(text))
