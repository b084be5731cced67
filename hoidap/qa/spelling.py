"""Whether a typo correction is believable, judged on the word as the person wrote it.

The lexical index corrects an unknown folded syllable to a known one at one edit ("hiemm" →
"hiem"). Folded, many different words are one edit apart ("giuong" → "guong", "thap" → "phap"),
so in a small collection a word the documents never use ("giường bệnh", "thấp còi") is silently
read as another. A question typed with diacritics says more: "giường" is two edits from the
collection's "gương", "hiểmm" one from "hiểm". A correction stands only when the typed accented
word is at most one edit from an accented form of the corrected syllable in the collection.
Typed without diacritics, only a long well-formed syllable, or two neighbouring syllables that
both need correcting ("thap coi"), is taken for a word.
"""

from __future__ import annotations

from collections.abc import Iterable

from hoidap.vntext import (
    fold_diacritics,
    has_diacritics,
    is_syllable,
    normalize_text,
    syllables,
    within_one_edit,
)

# From this many letters an unaccented unknown syllable is read as a word, not a typo. Measured on the
# ward sets: 5 refuses "giuong benh" and no answerable question, once everyday words such as "trước"
# are in hoidap/data/question_phrases.txt (without it, "truoc khi nao" was refused).
UNACCENTED_WORD_LETTERS = 5


class AccentedVocabulary:
    """The accented, lower-case syllables of a collection, by folded syllable."""

    def __init__(self, texts: Iterable[str], language: Iterable[str] = ()) -> None:
        # Everyday question language ("liệt kê", "nhắc"): words a question uses and documents
        # need not, never a topic the documents lack.
        self._language = frozenset(s for phrase in language for s in syllables(normalize_text(phrase).lower()))
        self._folded_language = frozenset(fold_diacritics(s) for s in self._language)
        forms: dict[str, set[str]] = {}
        for text in texts:
            for syllable in set(syllables(text.lower())):
                forms.setdefault(fold_diacritics(syllable), set()).add(syllable)
        self._forms = forms

    def forms(self, folded: str) -> frozenset[str]:
        return frozenset(self._forms.get(folded, ()))

    def implausible_corrections(self, question_text: str, corrections: dict[str, str]) -> set[str]:
        """Folded question syllables (keys of ``corrections``, mapped to their correction) that are
        words, not typos: written with diacritics at more than one edit from every form of the
        correction, or, in a question typed without any, long well-formed syllables that everyday
        question language does not use either."""
        written_syllables = syllables(normalize_text(question_text).lower())
        unaccented = not any(has_diacritics(syllable) for syllable in written_syllables)
        typed: dict[str, set[str]] = {}
        for syllable in written_syllables:
            if has_diacritics(syllable) and syllable not in self._language:
                typed.setdefault(fold_diacritics(syllable), set()).add(syllable)
        implausible: set[str] = set()
        if unaccented:
            # Two neighbouring syllables that both need correcting are one word the documents lack
            # ("thap coi" for "thấp còi"), not two slips side by side.
            folded = [fold_diacritics(s) for s in written_syllables]
            for first, second in zip(folded, folded[1:], strict=False):
                pair = (first, second)
                if all(t in corrections and is_syllable(t) and t not in self._folded_language for t in pair):
                    implausible.update(pair)
        for term, corrected in corrections.items():
            written = typed.get(term)
            if not written:
                # Typed without diacritics there is less to go on: a long, well-formed syllable that
                # neither the documents nor everyday question language use ("giuong" for "guong") is
                # more likely a word the documents lack than a slip; short ones stay corrections.
                if (
                    unaccented
                    and len(term) >= UNACCENTED_WORD_LETTERS
                    and is_syllable(term)
                    and term not in self._folded_language
                ):
                    implausible.add(term)
                continue
            forms = self.forms(corrected)
            if not any(within_one_edit(w, form) for w in written for form in forms):
                implausible.add(term)
        return implausible
