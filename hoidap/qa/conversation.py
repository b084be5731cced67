"""Questions inside a conversation: resolve a follow-up against earlier turns, then record the turn.

Every channel (the HTTP API, the chat bots) goes through these two steps around its own call to
the QA core, so a follow-up ("còn năm 2045 thì sao?") means the same thing everywhere.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hoidap.qa.followup import Rewrite, standalone_question
from hoidap.qa.schemas import AskResponse
from hoidap.records import CitedSection, Records, Turn

_MARKER = re.compile(r"\[(\d+)\]")


def resolve_followup(
    question: str, records: Records, conversation_id: str | None, *, history_turns: int, max_chars: int
) -> Rewrite:
    """The standalone question to answer: ``question`` itself unless it is a follow-up of the
    conversation's recent turns. A rewrite never turns an acceptable question into one that is
    too long to be accepted."""
    history = []
    if conversation_id is not None:
        history = [t.standalone_question for t in records.recent_turns(conversation_id, limit=history_turns)]
    rewrite = standalone_question(question, history)
    if rewrite.rewritten and len(rewrite.question) > max_chars:
        return Rewrite(question=question)
    return rewrite


def cited_sections(response: AskResponse) -> list[CitedSection]:
    """The sections the answer's ``[n]`` markers point to, in order, each once; none for a refusal
    (its citations are only the closest passages, not what the answer rests on)."""
    if not response.answerable:
        return []
    by_number = {citation.n: citation for citation in response.citations}
    numbers = [int(n) for n in _MARKER.findall(response.answer)] or sorted(by_number)[:1]
    cited: list[CitedSection] = []
    for n in numbers:
        citation = by_number.get(n)
        if citation is None:
            continue
        section = CitedSection(
            doc_id=citation.doc_id,
            doc_number=citation.doc_number,
            title=citation.title,
            section=citation.section,
        )
        if section not in cited:
            cited.append(section)
    return cited


def record_turn(
    records: Records, conversation_id: str, question: str, asked: str, response: AskResponse
) -> None:
    records.add_turn(
        conversation_id,
        Turn(
            answer_id=response.answer_id,
            question=question,
            standalone_question=asked,
            answer=response.answer,
            answerable=response.answerable,
            created_at=datetime.now(UTC),
            cited=cited_sections(response),
        ),
    )
