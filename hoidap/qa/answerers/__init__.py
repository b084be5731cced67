"""Answering as components: small answerers, each with one entry point, and a router.

Every answerer takes the analysed question and the ranked passages and returns a
:class:`~hoidap.qa.passages.Draft` or ``None`` (not its kind of question). The router asks them in
order and the passage answerer always answers; whether the draft is then given or refused is
decided once, after the router, by the refusal stage (:mod:`hoidap.qa.refusal`).

Each answerer owns its logic and is built with what it reads: the passage toolkit
(:class:`~hoidap.qa.compose.Composer`: sentences scored against the question, items read whole),
and for the metadata answerer also the cited-document lookups (:class:`CitedDocuments`, shared
with the reference answerers) and the passage answerer (a number or date quoted from running text).
The passage answerer reads a whole item with its bullets through :class:`~hoidap.qa.answerers.lists.ListReader`.

=================  =====================================================================
answerer           answers
=================  =====================================================================
MetadataAnswerer   who signed, when issued, to whom, by whom, the number, the title
TrueFalseAnswerer  "X, đúng hay sai?", "Có phải X không?": "Đúng" / "Không đúng" with what
                   differs, when statement verification is sure (else PassageAnswerer)
CitedTopicAnswerer what a document the collection only cites is about ("NQ 72 về gì")
ReferencesAnswerer which documents a document implements or is based on
OutlineAnswerer    "gồm những gì", "có mấy": the list of headings of a part
PassageAnswerer    everything else: the passages (a clause, an item with its bullets,
                   the provision that decides a true/false question) quoted verbatim
=================  =====================================================================
"""

from hoidap.qa.answerers.base import Answerer
from hoidap.qa.answerers.metadata import MetadataAnswerer
from hoidap.qa.answerers.outline import OutlineAnswerer
from hoidap.qa.answerers.passage import PassageAnswerer
from hoidap.qa.answerers.references import CitedDocuments, CitedTopicAnswerer, ReferencesAnswerer
from hoidap.qa.answerers.router import Router
from hoidap.qa.answerers.true_false import TrueFalseAnswerer

__all__ = [
    "Answerer",
    "CitedDocuments",
    "CitedTopicAnswerer",
    "MetadataAnswerer",
    "OutlineAnswerer",
    "PassageAnswerer",
    "ReferencesAnswerer",
    "Router",
    "TrueFalseAnswerer",
]
