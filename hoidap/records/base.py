"""The record types and the store interfaces every channel (HTTP API, bots) relies on."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field


class CitedSection(BaseModel):
    """A document section an answer relied on: what the officers' insights group questions by."""

    doc_id: str
    doc_number: str | None = None
    title: str | None = None
    section: str


class Turn(BaseModel):
    """One question and its answer inside a conversation.

    ``standalone_question`` is what was actually answered: the question itself, or the follow-up
    rewritten with the earlier turns' topic ("còn năm 2045 thì sao?" → "… đến năm 2045 …").
    ``cited`` lists the sections the answer's sentences cite (empty when the documents had no answer).
    """

    answer_id: str
    question: str
    standalone_question: str
    answer: str
    answerable: bool
    created_at: datetime
    cited: list[CitedSection] = Field(default_factory=list)


class Feedback(BaseModel):
    """A person's verdict on one answer; the question and answer are copied so feedback outlives turns."""

    answer_id: str
    helpful: bool
    comment: str | None = None
    question: str | None = None
    answer: str | None = None
    created_at: datetime


class ConversationStore(Protocol):
    """Conversation turns keyed by a conversation id (a chat id for bots); ids are never stored in clear."""

    def add_turn(self, conversation_id: str, turn: Turn) -> None: ...

    def recent_turns(self, conversation_id: str, limit: int = 3) -> list[Turn]:
        """The latest ``limit`` turns, oldest first."""
        ...

    def find_turn(self, answer_id: str) -> Turn | None: ...

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete what is older than the retention period; returns how many rows went."""
        ...


class FeedbackStore(Protocol):
    def add_feedback(self, feedback: Feedback) -> None:
        """Store feedback; a second verdict on the same answer replaces the first."""
        ...

    def get_feedback(self, answer_id: str) -> Feedback | None: ...

    def count_feedback(self) -> dict[bool, int]:
        """Number of stored verdicts by ``helpful``."""
        ...


class AskedQuestion(BaseModel):
    """A stored turn as the insights see it: the chat only as its stored hash, to count distinct chats."""

    chat: str
    question: str
    answerable: bool
    cited: list[CitedSection] = Field(default_factory=list)


class Activity(BaseModel):
    """What was asked and said in a period, oldest first."""

    questions: list[AskedQuestion] = Field(default_factory=list)
    feedback: list[Feedback] = Field(default_factory=list)


class ActivityLog(Protocol):
    def activity(self, since: datetime, until: datetime) -> Activity:
        """Turns (as answered: follow-ups resolved) and feedback stored in ``[since, until)``."""
        ...


class Records(ConversationStore, FeedbackStore, ActivityLog, Protocol):
    """A store that keeps both (what the HTTP service is given)."""

    def close(self) -> None: ...
