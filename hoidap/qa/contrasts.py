"""The contrast vocabularies of claim checking, read from ``hoidap/data/claim_contrasts.toml``.

Every phrase is kept as a tuple of syllables in two spellings: folded (for aligning claims typed
without diacritics) and accented lower case (for words whose folded form is ambiguous, e.g.
"cấm"/"cảm" both fold to "cam"; unaccented claims get their accents restored before they are read).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hoidap.vntext import fold_diacritics, normalize_text, spelling_key

Phrase = tuple[str, ...]


def accented_phrase(text: str) -> Phrase:
    return tuple(normalize_text(text).lower().split())


def folded_phrase(text: str) -> Phrase:
    return tuple(spelling_key(w) for w in fold_diacritics(normalize_text(text)).lower().split())


@dataclass(frozen=True)
class ContrastSet:
    """Alternatives that exclude each other ("cấp xã" / "cấp huyện")."""

    name: str
    phrases: tuple[Phrase, ...]  # folded
    anywhere: bool  # the passage naming only another alternative anywhere is enough


@dataclass(frozen=True)
class Contrasts:
    sets: tuple[ContrastSet, ...]
    negators: tuple[Phrase, ...]  # accented
    not_negations: tuple[Phrase, ...]
    negated_obligations: tuple[Phrase, ...]
    accent_required: frozenset[str]
    obligation: tuple[Phrase, ...]
    permission: tuple[Phrase, ...]
    scope: tuple[Phrase, ...]
    exclusive: tuple[Phrase, ...]  # accented: "chỉ", "duy nhất": what follows is all there is
    not_exclusive: tuple[Phrase, ...]
    exceptions: tuple[Phrase, ...]  # accented
    exception_echoes: tuple[Phrase, ...]  # accented: a claim carrying one of these keeps the exception
    not_exceptions: tuple[Phrase, ...]
    filler: frozenset[str]  # folded syllables


def _longest_first(phrases: list[Phrase]) -> tuple[Phrase, ...]:
    return tuple(sorted(set(phrases), key=len, reverse=True))


@lru_cache(maxsize=1)
def load_contrasts() -> Contrasts:
    raw = tomllib.loads(
        resources.files("hoidap").joinpath("data/claim_contrasts.toml").read_text(encoding="utf-8")
    )
    sets = tuple(
        ContrastSet(name, _longest_first([folded_phrase(w) for w in body["words"]]), bool(body.get("anywhere")))
        for name, body in raw["sets"].items()
    )
    return Contrasts(
        sets=sets,
        negators=_longest_first([accented_phrase(w) for w in raw["polarity"]["negators"]]),
        not_negations=_longest_first([accented_phrase(w) for w in raw["polarity"]["not_negations"]]),
        accent_required=frozenset(normalize_text(w).lower() for w in raw["polarity"]["accent_required"]),
        negated_obligations=_longest_first([accented_phrase(w) for w in raw["polarity"]["negated_obligations"]]),
        obligation=_longest_first([accented_phrase(w) for w in raw["modality"]["obligation"]]),
        permission=_longest_first([accented_phrase(w) for w in raw["modality"]["permission"]]),
        scope=_longest_first([accented_phrase(w) for w in raw["scope"]["words"]]),
        exclusive=_longest_first([accented_phrase(w) for w in raw["scope"]["exclusive"]]),
        not_exclusive=_longest_first([accented_phrase(w) for w in raw["scope"]["not_exclusive"]]),
        exceptions=_longest_first([accented_phrase(w) for w in raw["exceptions"]["words"]]),
        exception_echoes=_longest_first([accented_phrase(w) for w in raw["exceptions"]["claim_forms"]]),
        not_exceptions=_longest_first([accented_phrase(w) for w in raw["exceptions"]["not_exceptions"]]),
        filler=frozenset(s for w in raw["filler"]["words"] for s in folded_phrase(w)),
    )
