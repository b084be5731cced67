"""Who issued a document number, as the corpus states it: ``72-NQ/TW`` → "Bộ Chính trị".

The code after the slash only says the level ("TW" = Trung ương), so the loudspeaker would read
"Nghị quyết số 72 của Trung ương". The documents name the real issuer right after the number:
"Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị", "Chương trình hành động số 06-CTr/TU,
ngày 12/01/2026 của Ban Thường vụ Thành ủy". :func:`issuer_lookup` collects those statements over
the corpus and keeps, for each number, the issuer stated most often; a corpus document's own
number maps to its metadata issuer (the document's header says who issued it).

Keys are :func:`hoidap.vntext.doc_number_key` forms ("72-nq/tw").
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from hoidap.domain import Document
from hoidap.vntext import DOC_NUMBER_PATTERN, doc_number_key, nfc

if TYPE_CHECKING:
    from hoidap.propaganda.service import PropagandaService

# "<number>[,] [ngày dd/mm/yyyy][,] của " — the issuer follows (a wrapped line may sit before "của").
_OF_ISSUER = re.compile(r"\)?\s*,?\s*(?:ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}\s*,?\s*)?của\s+")
# The issuer phrase ends at punctuation, a quote, a bracket or a line break …
_PHRASE = re.compile(r"[^\n,;.:!?()\[\]“”\"'«»*…–—]+")
# … or at the first word that starts what is said about the document ("về", "thực hiện", …).
# Case-sensitive: "Ban Thường vụ" is an issuer, "ban hành" is not.
_STOP_WORDS = frozenset(
    "về thực triển quán cụ căn ban được tạo trong đến tại đặt ra nhằm để đã là đối với cho gắn lồng "
    "khóa khoá theo nêu sau đây gọi viết trên từ năm số".split()
)
# "của Bộ Chính trị và Chương trình hành động số 06-CTr/TU": "và" starts the next document.
_DOCUMENT_KINDS = re.compile(
    r"(?i:nghị quyết|chỉ thị|chương trình|kế hoạch|công văn|quyết định|kết luận|hướng dẫn|thông báo|"
    r"báo cáo|thông tư|văn bản|các|những)\b"
)
_MAX_WORDS = 12


def issuer_phrase(text: str) -> str | None:
    """The organisation named at the start of ``text`` (what follows "của"), or None.

    >>> issuer_phrase("Ban Thường vụ Thành ủy thực hiện Nghị quyết số 72-NQ/TW")
    'Ban Thường vụ Thành ủy'
    >>> issuer_phrase("Bộ Chính trị và Chương trình hành động số 06-CTr/TU")
    'Bộ Chính trị'
    >>> issuer_phrase("các cấp, các ngành") is None
    True
    """
    match = _PHRASE.match(text)
    if match is None:
        return None
    words: list[str] = []
    rest = match.group(0).split()
    for i, word in enumerate(rest[:_MAX_WORDS]):
        if word in _STOP_WORDS:
            break
        if word == "và":
            after = " ".join(rest[i + 1 :])
            # "Ban Tuyên giáo và dân vận Thành ủy" keeps its "và"; another document or a list does not
            if not after or _DOCUMENT_KINDS.match(after) or not any(w[:1].isupper() for w in rest[i + 1 :]):
                break
        words.append(word)
    while words and not words[-1][:1].isalpha():
        words.pop()
    if not words or not words[0][:1].isupper() or words[-1] == "và":
        return None
    return " ".join(words)


def stated_issuers(text: str) -> Iterator[tuple[str, str]]:
    """(number key, issuer) for every "<number> [ngày …] của <Issuer>" in ``text``."""
    text = nfc(text)
    for match in DOC_NUMBER_PATTERN.finditer(text):
        of = _OF_ISSUER.match(text, match.end())
        if of is None:
            continue
        issuer = issuer_phrase(text[of.end() : of.end() + 200])
        if issuer:
            yield doc_number_key(match.group(0)), issuer


def issuer_lookup(documents: Mapping[str, Document] | Iterable[Document]) -> dict[str, str]:
    """Number key → issuer: the one stated most often after the number (first stated wins a tie);
    a corpus document's own number → its metadata issuer."""
    values = documents.values() if isinstance(documents, Mapping) else documents
    counts: dict[str, Counter[str]] = {}
    own: dict[str, str] = {}
    for document in values:
        for key, issuer in stated_issuers(document.text):
            counts.setdefault(key, Counter())[issuer] += 1
        if document.metadata.number and document.metadata.issuer:
            own[doc_number_key(document.metadata.number)] = document.metadata.issuer.strip()
    lookup = {key: counter.most_common(1)[0][0] for key, counter in counts.items()}
    lookup.update(own)
    return lookup


_lookups: weakref.WeakKeyDictionary[PropagandaService, dict[str, str]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def issuers_for(service: PropagandaService) -> dict[str, str]:
    """:func:`issuer_lookup` of a loaded index's documents, built once per (Propaganda)service."""
    with _lock:
        lookup = _lookups.get(service)
        if lookup is None:
            lookup = _lookups[service] = issuer_lookup(service.documents)
        return lookup
