"""Restore Vietnamese diacritics in a question typed without them, using the corpus itself.

The dense model does not understand unaccented Vietnamese ("bao hiem y te"), so before
embedding such a question its syllables are mapped back to the accented forms the corpus uses.
Each folded syllable has its candidate forms ("ve" → "về"/"vé"/"vệ"); a bigram language model
of the corpus (Dirichlet-smoothed towards the unigram frequency) chooses the most probable
sequence of forms with Viterbi. Everyday question language that documents lack ("đúng hay sai",
"có phải không", "chị ấy") comes from the data file ``hoidap/data/question_phrases.txt``, counted
a few times over. Words the corpus never uses stay as typed.

Measured on the syllables of the dev questions (share restored exactly): laws .951 → .981,
ward dev .894 → .95, against the earlier "unigram share + bigram bonus" score.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from hoidap.vntext import fold_diacritics, normalize_text, syllable_matches, syllables

# How strongly a bigram estimate is pulled towards the unigram frequency: with few observations of
# the left word the choice follows overall frequency, with many it follows the context.
SMOOTHING = 20.0
# Question phrases are added this many times over: a handful of lines against a whole corpus.
QUESTION_PHRASE_WEIGHT = 5
# Words that title a person ("Anh C", "Chị E", "Ông Nguyễn Văn A"): before a capitalised name they
# are the title, whatever the corpus prefers ("anh" is "ảnh" in a law on images).
PERSON_TITLES = {fold_diacritics(t): t for t in ("ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "cụ")}


@lru_cache(maxsize=1)
def question_phrases() -> tuple[str, ...]:
    """The phrases of ``question_phrases.txt``: one per ``;``-separated item, comments dropped."""
    text = resources.files("hoidap.data").joinpath("question_phrases.txt").read_text(encoding="utf-8")
    phrases: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        phrases.extend(item.strip() for item in line.split(";") if item.strip())
    return tuple(phrases)


class AccentRestorer:
    def __init__(self, unigrams: dict[str, dict[str, int]], bigrams: dict[str, int]) -> None:
        self._unigrams = unigrams  # folded syllable -> {accented form: count}
        self._bigrams = bigrams  # "accented accented" -> count
        self._form_counts: dict[str, int] = {}
        for forms in unigrams.values():
            self._form_counts.update(forms)
        self._total = sum(self._form_counts.values())
        self._vocabulary = len(self._form_counts)
        self._left_counts: Counter[str] = Counter()
        for pair, count in bigrams.items():
            self._left_counts[pair.split(" ", 1)[0]] += count

    @classmethod
    def build(cls, texts: Iterable[str]) -> AccentRestorer:
        unigrams: dict[str, Counter[str]] = defaultdict(Counter)
        bigrams: Counter[str] = Counter()

        def count(text: str, weight: int) -> None:
            tokens = syllables(text)
            for token in tokens:
                unigrams[fold_diacritics(token)][token] += weight
            for a, b in zip(tokens, tokens[1:], strict=False):
                bigrams[f"{a} {b}"] += weight

        for text in texts:
            count(text, 1)
        for phrase in question_phrases():
            count(phrase, QUESTION_PHRASE_WEIGHT)
        return cls({k: dict(v) for k, v in unigrams.items()}, dict(bigrams))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"unigrams": self._unigrams, "bigrams": self._bigrams}, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> AccentRestorer:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return cls(payload["unigrams"], payload["bigrams"])

    def coverage(self, text: str) -> float:
        """Share of the syllables of ``text`` that the corpus knows (after folding)."""
        tokens = [fold_diacritics(t) for t in syllables(text)]
        return sum(t in self._unigrams for t in tokens) / len(tokens) if tokens else 0.0

    def _unigram(self, form: str) -> float:
        return (self._form_counts.get(form, 0) + 0.5) / (self._total + 0.5 * self._vocabulary)

    def _bigram(self, previous: str, form: str) -> float:
        seen = self._bigrams.get(f"{previous} {form}", 0)
        return (seen + SMOOTHING * self._unigram(form)) / (self._left_counts.get(previous, 0) + SMOOTHING)

    def restore(self, text: str) -> str:
        """``"den nam 2030 ty le bao phu"`` → ``"đến năm 2030 tỷ lệ bao phủ"`` (lower case)."""
        normalised = normalize_text(text)
        matches = syllable_matches(normalised)
        return " ".join(self._decode([m.group(0) for m in matches], _boundaries(normalised, matches)))

    def restore_in_place(self, text: str) -> str:
        """``text`` as typed (case, punctuation, spacing) with each syllable's accents restored:
        ``"Luat To tung hanh chinh, dung hay sai?"`` → ``"Luật Tố tụng hành chính, đúng hay sai?"``.
        What a question typed with diacritics would have been, for reading it the same way."""
        normalised = normalize_text(text)
        matches = syllable_matches(normalised)
        if not matches:
            return text
        forms = self._decode([m.group(0) for m in matches], _boundaries(normalised, matches))
        pieces: list[str] = []
        last = 0
        for match, form in zip(matches, forms, strict=True):
            pieces.append(normalised[last : match.start()])
            pieces.append(_with_case_of(match.group(0), form))
            last = match.end()
        pieces.append(normalised[last:])
        return "".join(pieces)

    def _decode(self, typed: list[str], boundaries: set[int]) -> list[str]:
        """The most probable accented form of each typed syllable (lower case). Context does not
        cross a punctuation mark (``boundaries``: indexes of syllables that follow one): in
        "… về trọng tai, dung hay sai" the word after the comma says nothing about "tai"."""
        tokens = [fold_diacritics(t).lower() for t in typed]
        if not tokens:
            return []
        lattice = [list(self._unigrams.get(t, {t: 1})) for t in tokens]
        for position in _person_titles(typed):
            lattice[position] = [PERSON_TITLES[tokens[position]]]
        # best[i][form] = (log probability of the best sequence ending in form, previous form)
        best: list[dict[str, tuple[float, str | None]]] = [
            {form: (math.log(self._unigram(form)), None) for form in lattice[0]}
        ]
        for position, candidates in enumerate(lattice[1:], start=1):
            column: dict[str, tuple[float, str | None]] = {}
            if position in boundaries:
                previous, (score, _) = max(best[-1].items(), key=lambda item: item[1][0])
                for form in candidates:
                    column[form] = (score + math.log(self._unigram(form)), previous)
            else:
                for form in candidates:
                    column[form] = max(
                        (score + math.log(self._bigram(previous, form)), previous)
                        for previous, (score, _) in best[-1].items()
                    )
            best.append(column)
        form = max(best[-1], key=lambda f: best[-1][f][0])
        restored = [form]
        for position in range(len(best) - 1, 0, -1):
            form = best[position][form][1] or form
            restored.append(form)
        return list(reversed(restored))


# A mark between two syllables that ends a phrase (comma, full stop, colon, question mark,
# brackets, dash, quotes).
_PHRASE_END = re.compile(r"[,.;:!?()\[\]\"“”«»…\n–—-]")


def _boundaries(normalised: str, matches: list[re.Match[str]]) -> set[int]:
    """Indexes of the syllables (``matches`` in ``normalised``) that follow a phrase-ending mark."""
    return {
        i for i in range(1, len(matches)) if _PHRASE_END.search(normalised, matches[i - 1].end(), matches[i].start())
    }


def _with_case_of(typed: str, form: str) -> str:
    """``form`` written in the case ``typed`` was: "Luat" → "Luật", "UBND" stays upper case."""
    if typed.isupper() and len(typed) > 1:
        return form.upper()
    if typed[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def _person_titles(typed: list[str]) -> list[int]:
    """Positions of person titles in ``typed`` (syllables as typed): a title word followed by a
    capitalised name ("Anh C", "chi E", "Ong Nguyen Van A"), unless the title itself continues a
    capitalised name ("Ho Chi Minh")."""
    found = []
    for position, word in enumerate(typed[:-1]):
        following = typed[position + 1]
        # A name is one capital ("E") or a capitalised syllable ("Nguyen"); "KH", "UBND" are codes.
        named = following[:1].isupper() and (len(following) == 1 or following[1:].islower())
        if fold_diacritics(word).lower() not in PERSON_TITLES or not named:
            continue
        continues_name = position > 0 and typed[position - 1][:1].isupper() and len(following) > 1
        if not continues_name:
            found.append(position)
    return found
