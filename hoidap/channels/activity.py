"""Read the stored questions and feedback of a period, read-only, for the digest.

Opens the records SQLite file in read-only mode (the service keeps writing through its own
connection, WAL lets both work). Only what the digest needs is read: no conversation hash leaves
this module except as an opaque value used for counting distinct chats.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class AskedQuestion:
    chat: str  # the stored (already hashed) conversation id, only compared, never shown
    question: str
    answerable: bool


@dataclass(frozen=True)
class Verdict:
    helpful: bool
    question: str | None
    comment: str | None


@dataclass
class Activity:
    questions: list[AskedQuestion] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)


def _stamp(moment: datetime) -> str:
    # Same fixed-width UTC text as hoidap.records.sqlite, so text comparison is time comparison.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_activity(records_path: Path, since: datetime, until: datetime) -> Activity:
    """Questions (as answered: follow-ups resolved) and verdicts stored in ``[since, until)``."""
    if not records_path.exists():
        return Activity()
    db = sqlite3.connect(f"{records_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db.execute("PRAGMA busy_timeout=5000")
        window = (_stamp(since), _stamp(until))
        questions = [
            AskedQuestion(chat=chat, question=question, answerable=bool(answerable))
            for chat, question, answerable in db.execute(
                "SELECT conversation_hash, standalone_question, answerable FROM turns "
                "WHERE created_at >= ? AND created_at < ? ORDER BY created_at",
                window,
            )
        ]
        verdicts = [
            Verdict(helpful=bool(helpful), question=question, comment=comment)
            for helpful, question, comment in db.execute(
                "SELECT helpful, question, comment FROM feedback WHERE created_at >= ? AND created_at < ? "
                "ORDER BY created_at",
                window,
            )
        ]
    finally:
        db.close()
    return Activity(questions=questions, verdicts=verdicts)
