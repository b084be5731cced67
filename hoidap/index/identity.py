"""What singles a document out: its place names and the document numbers it carries.

Several documents in a corpus often say nearly the same thing (two wards' plans implementing the
same resolution). When a question names a ward, a city or a programme number ("phường Phúc Lợi",
"CTr 03"), the passages of the documents that carry that name should win the tie.
"""

from __future__ import annotations

import functools
import re

from hoidap.domain import Document
from hoidap.profile import document_types, question_setting
from hoidap.vntext import expand_abbreviations, fold_diacritics

_PLACE = re.compile(
    r"(?:phường|xã|thị trấn|P\.|thành phố|Thành phố|Thành ủy|tỉnh|Tỉnh ủy|quận|huyện|Thủ đô|Trung tâm Y tế)\s+"
    r"([A-ZĐ][a-zà-ỹđ]+(?:\s[A-ZĐ][a-zà-ỹđ]+){0,2})"
)
# Capitalised words that follow "phường"/"Thành ủy" without being a place name.
_NOT_PLACE_WORDS = {"Thực", "Thường", "Ban", "Ủy", "Uỷ", "Đảng", "Nhân", "Về", "Trung", "Chính", "Bộ", "Các", "Kế", "Chương"}
# Short references typed by people ("NQ 72", "nghị quyết số 72", "NĐ 30"): type names and codes
# from the document profile, each mapped to its folded code.
_CODES = {
    **{t.folded: fold_diacritics(t.code).lower() for t in document_types() if t.code and t.name in question_setting("numbered_types")},
    **{fold_diacritics(c).lower(): fold_diacritics(c).lower() for c in question_setting("short_codes")},
}
_SHORT_REFERENCE = re.compile(
    rf"\b({'|'.join(re.escape(k) for k in sorted(_CODES, key=len, reverse=True))})\s*(?:so\s*)?(\d{{1,4}})\b"
)
# Types named by a short title of their own: "Luật Giáo dục" in a question picks that law.
_TITLED = frozenset({"Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh"})
_MAX_TITLE_WORDS = 10


def _fold(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


def document_keys(document: Document) -> set[str]:
    """Folded identity keys: place names ("phuc loi") and numbers ("ctr 3", "nq 72")."""
    keys: set[str] = set()
    if document.metadata.place:
        keys.add(_fold(re.sub(r"^(P\.|X\.|TP\.)\s*", "", document.metadata.place)))
    # A law speaks of places in general ("thành phố trực thuộc trung ương"): its title names it.
    place_names = [] if document.metadata.doc_type in _TITLED else _PLACE.finditer(document.text)
    for match in place_names:
        if match.group(1).split()[0] not in _NOT_PLACE_WORDS:
            keys.add(_fold(match.group(1)))
    numbers = [document.metadata.number] if document.metadata.number else []
    numbers += [reference.number for reference in document.metadata.references]
    for number in numbers:
        match = re.match(r"(\d+)(?:/\d{4})?\s*[-/]\s*([A-Za-zĐđ]+)", number)
        if match:
            keys.add(f"{fold_diacritics(match.group(2)).lower()} {int(match.group(1))}")
    return keys


def _plain(text: str) -> str:
    """Folded, lower case, punctuation dropped: "Luật Phòng, chống ma túy" → "luat phong chong ma tuy"."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold_diacritics(text).lower()).split())


def title_key(document: Document) -> str | None:
    """A law's short title as a key ("luat giao duc"), for laws, codes and ordinances only."""
    meta = document.metadata
    if meta.doc_type in _TITLED and meta.title and len(meta.title.split()) <= _MAX_TITLE_WORDS:
        return _plain(meta.title)
    return None


def question_keys(question: str) -> set[str]:
    folded = _fold(question)
    keys = {f"{_CODES.get(m.group(1), m.group(1))} {int(m.group(2))}" for m in _SHORT_REFERENCE.finditer(folded)}
    for match in re.finditer(r"\b(\d{1,4})\s*[-/]\s*([a-z]+)", folded):
        keys.add(f"{match.group(2)} {int(match.group(1))}")
    return keys | {folded}


_WARD = re.compile(r"(?:phường|Phường|PHƯỜNG|P\.)\s+([A-ZĐ][a-zà-ỹđ]+(?:\s[A-ZĐ][a-zà-ỹđ]+){0,2})")


def ward_of(document: Document) -> str | None:
    """The ward a document is from, as written ("Bạch Đằng"), when its text names exactly one."""
    return _ward_of(document.text, document.metadata.place)


@functools.lru_cache(maxsize=512)
def _ward_of(text: str, place: str | None) -> str | None:
    # Cached: every citation label asks this, and scanning a whole law per answer showed up as
    # 7 % of the server's GIL time (reports/bench/profile.md). A str caches its own hash and the
    # same loaded text object comes back each time, so a hit costs no scan and no compare.
    names = {m.group(1) for m in _WARD.finditer(text) if m.group(1).split()[0] not in _NOT_PLACE_WORDS}
    if place:
        names.add(re.sub(r"^(P\.|X\.|TP\.)\s*", "", place))
    return next(iter(names)) if len({_fold(n) for n in names}) == 1 else None


def ward_names(document: Document) -> set[str]:
    """Folded names of the wards a document is from or about ("do son", "bach dang")."""
    names = {_fold(m.group(1)) for m in _WARD.finditer(document.text) if m.group(1).split()[0] not in _NOT_PLACE_WORDS}
    if document.metadata.place:
        names.add(_fold(re.sub(r"^(P\.|X\.|TP\.)\s*", "", document.metadata.place)))
    return names


class DocumentIdentities:
    def __init__(self, documents: dict[str, Document]) -> None:
        self._keys = {doc_id: document_keys(d) for doc_id, d in documents.items()}
        self._titles = {doc_id: key for doc_id, d in documents.items() if (key := title_key(d))}
        self._wards = set().union(*(ward_names(d) for d in documents.values())) if documents else set()

    def ward_terms(self, question: str) -> set[str]:
        """Syllables of the ward names the question mentions: they pick the document, they say
        nothing about which of its passages answers."""
        folded = _fold(question)
        return {
            syllable
            for ward in self._wards
            if re.search(rf"\b{re.escape(ward)}\b", folded)
            for syllable in ward.split()
        }

    def named_by_place(self, question: str) -> set[str]:
        """Documents whose ward or city the question names ("phường Đồ Sơn")."""
        folded = _fold(question)
        return {
            doc_id
            for doc_id, doc_keys in self._keys.items()
            if any(not re.fullmatch(r"[a-z]+ \d+", k) and len(k) > 3 and re.search(rf"\b{re.escape(k)}\b", folded) for k in doc_keys)
        }

    def matching_documents(self, question: str) -> set[str]:
        """Documents named by the question, when it names some but not all of them."""
        keys = question_keys(question)
        folded = _fold(question)
        plain = _plain(expand_abbreviations(question))
        # "Theo Luật Giáo dục năm 2019, …": the law's own title names it outright.
        titled = {doc_id for doc_id, key in self._titles.items() if re.search(rf"\b{re.escape(key)}\b", plain)}
        if titled and len(titled) < len(self._keys):
            # The longest title wins: "Bộ luật dân sự" over a law whose title it contains.
            longest = max(len(self._titles[d]) for d in titled)
            return {d for d in titled if len(self._titles[d]) == longest}
        matches: dict[str, int] = {}
        for doc_id, doc_keys in self._keys.items():
            hits = 0
            for key in doc_keys:
                if re.fullmatch(r"[a-z]+ \d+", key):
                    hits += key in keys
                elif len(key) > 3 and re.search(rf"\b{re.escape(key)}\b", folded):
                    hits += 1
            if hits:
                matches[doc_id] = hits
        if not matches or len(matches) == len(self._keys):
            return set()
        best = max(matches.values())
        return {doc_id for doc_id, hits in matches.items() if hits == best}
