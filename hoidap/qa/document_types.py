"""How questions name document types ("nghị quyết", "KH", "luật"), folded, each mapped to its
code, and the patterns built on them: one table for every part of answering that reads a type or
a short reference from a question (the document profile, ``hoidap/data/document_profile.toml``,
is the source: its numbered types and the short codes people type)."""

from __future__ import annotations

import re

from hoidap.profile import question_type_alternation, question_type_codes

# "nghi quyet" → "nq", "luat" → "qh", "kh" → "kh"; longest first.
TYPE_CODES: dict[str, str] = question_type_codes()
TYPE_NAMES = question_type_alternation()

# A type named in a question, with its number when one follows: "NQ 72", "kế hoạch số 30-KH/TU",
# "chương trình hành động 06".
REFERENCE = re.compile(
    rf"\b({TYPE_NAMES})(?: hanh dong)?"
    r"\s*(?:so\s*)?(\d{1,4})?(?:\s*[-/]\s*[a-z]+(?:\s*[-/]\s*[a-z]+)?)?\b"
)
# A short reference typed by people, number required: "NQ 72", "nghị quyết số 72", "NĐ 30".
SHORT_REFERENCE = re.compile(rf"\b({TYPE_NAMES})\s*(?:so\s*)?(\d{{1,4}})\b")
# A type the question asks for by name: "chương trình hành động nào", "kế hoạch số mấy".
ASKED_TYPE = re.compile(
    rf"\b({TYPE_NAMES})"
    r"(?: hanh dong)?(?: cua (?:[a-z]+ ){0,2}[a-z]+)?\s+(so may|so bao nhieu|so hieu|so nao|mang so|la so|nao)\b"
)
