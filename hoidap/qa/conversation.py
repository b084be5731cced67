"""Questions inside a conversation: resolve a follow-up against earlier turns, then record the turn.

Every channel (the HTTP API, the chat bots) goes through these two steps around its own call to
the QA core, so a follow-up ("còn năm 2045 thì sao?") means the same thing everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hoidap.qa.followup import Rewrite, standalone_question
from hoidap.qa.schemas import AskResponse
from hoidap.records import Records, Turn


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


def record_turn(records: Records, conversation_id: str, question: str, asked: str, response: AskResponse) -> None:
    records.add_turn(
        conversation_id,
        Turn(
            answer_id=response.answer_id,
            question=question,
            standalone_question=asked,
            answer=response.answer,
            answerable=response.answerable,
            created_at=datetime.now(UTC),
        ),
    )
