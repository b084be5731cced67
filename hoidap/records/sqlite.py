"""Conversations and feedback in one SQLite file (standard-library ``sqlite3``, WAL mode).

Conversation ids are stored as HMAC-SHA256 hashes: a bot's conversation id is a person's chat id,
and a plain hash of a number is reversed by trying every number. The key comes from settings or
from a random key file created once beside the database.

One connection guarded by a lock: every statement here takes microseconds, and sharing one
connection across the server's threads avoids "database is locked" between our own writers.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import TypeAdapter

from hoidap.records.base import Activity, AskedQuestion, CitedSection, Feedback, Turn
from hoidap.records.postgres import PostgresRecords
from hoidap.records.private import make_private, make_private_database
from hoidap.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    answer_id TEXT PRIMARY KEY,
    conversation_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    standalone_question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    cited TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation_hash, created_at);
CREATE INDEX IF NOT EXISTS turns_by_time ON turns (created_at);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT PRIMARY KEY,
    helpful INTEGER NOT NULL,
    comment TEXT,
    question TEXT,
    answer TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (created_at);
"""

# Columns added after the first release, with their definition: opening an older file adds them.
_ADDED_COLUMNS = {"turns": {"cited": "TEXT NOT NULL DEFAULT '[]'"}}
_TURN_COLUMNS = "answer_id, question, standalone_question, answer, answerable, created_at, cited"
_CITED = TypeAdapter(list[CitedSection])

# Expired rows are swept at most this often, piggy-backing on writes (no scheduler thread).
_PURGE_EVERY = timedelta(hours=1)


def _timestamp(moment: datetime) -> str:
    """ISO text in UTC, fixed width so string order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def load_or_create_key(path: Path) -> bytes:
    """The hashing key kept in ``path`` (created with owner-only permissions on first use)."""
    if path.exists():
        make_private(path)
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


class SQLiteRecords:
    """Implements :class:`~hoidap.records.base.ConversationStore`, ``FeedbackStore`` and ``ActivityLog``."""

    def __init__(
        self,
        path: Path | str,
        key: bytes,
        conversation_retention: timedelta = timedelta(days=30),
        feedback_retention: timedelta = timedelta(days=365),
    ) -> None:
        self.path = Path(path)
        self._key = key
        self.conversation_retention = conversation_retention
        self.feedback_retention = feedback_retention
        self._lock = threading.Lock()
        # Citizens' questions and hashed chat ids: the file is owner-only (0600), created so.
        make_private_database(path)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        self._last_purge = datetime.now(UTC)
        self.purge_expired()

    def _add_missing_columns(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for column, definition in columns.items():
                if column not in present:
                    try:
                        self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
                    except sqlite3.OperationalError:
                        # Another process (the CLI beside the server) added it a moment ago.
                        if column not in {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}:
                            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def hash_conversation_id(self, conversation_id: str) -> str:
        return hmac.new(self._key, conversation_id.encode("utf-8"), hashlib.sha256).hexdigest()

    # ---------- conversations ----------
    def add_turn(self, conversation_id: str, turn: Turn) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO turns (conversation_hash, {_TURN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.hash_conversation_id(conversation_id),
                    turn.answer_id,
                    turn.question,
                    turn.standalone_question,
                    turn.answer,
                    int(turn.answerable),
                    _timestamp(turn.created_at),
                    _CITED.dump_json(turn.cited).decode("utf-8"),
                ),
            )
        self._maybe_purge()

    def recent_turns(self, conversation_id: str, limit: int = 3) -> list[Turn]:
        cutoff = _timestamp(datetime.now(UTC) - self.conversation_retention)
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_TURN_COLUMNS} FROM turns "
                "WHERE conversation_hash = ? AND created_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (self.hash_conversation_id(conversation_id), cutoff, limit),
            ).fetchall()
        return [self._turn(row) for row in reversed(rows)]

    def find_turn(self, answer_id: str) -> Turn | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_TURN_COLUMNS} FROM turns WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
        return self._turn(row) if row else None

    @staticmethod
    def _turn(row: tuple) -> Turn:
        answer_id, question, standalone, answer, answerable, created_at, cited = row
        return Turn(
            answer_id=answer_id,
            question=question,
            standalone_question=standalone,
            answer=answer,
            answerable=bool(answerable),
            created_at=_parse_timestamp(created_at),
            cited=_CITED.validate_json(cited),
        )

    # ---------- feedback ----------
    def add_feedback(self, feedback: Feedback) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (
                    feedback.answer_id,
                    int(feedback.helpful),
                    feedback.comment,
                    feedback.question,
                    feedback.answer,
                    _timestamp(feedback.created_at),
                ),
            )
        self._maybe_purge()

    def get_feedback(self, answer_id: str) -> Feedback | None:
        with self._lock:
            row = self._db.execute(
                "SELECT answer_id, helpful, comment, question, answer, created_at FROM feedback WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
        return self._feedback(row) if row else None

    @staticmethod
    def _feedback(row: tuple) -> Feedback:
        answer_id, helpful, comment, question, answer, created_at = row
        return Feedback(
            answer_id=answer_id,
            helpful=bool(helpful),
            comment=comment,
            question=question,
            answer=answer,
            created_at=_parse_timestamp(created_at),
        )

    def count_feedback(self) -> dict[bool, int]:
        with self._lock:
            rows = self._db.execute("SELECT helpful, COUNT(*) FROM feedback GROUP BY helpful").fetchall()
        counts = {True: 0, False: 0}
        for helpful, count in rows:
            counts[bool(helpful)] = count
        return counts

    # ---------- activity (the officers' insights) ----------
    def activity(self, since: datetime, until: datetime) -> Activity:
        window = (_timestamp(since), _timestamp(until))
        with self._lock:
            turns = self._db.execute(
                "SELECT conversation_hash, standalone_question, answerable, cited FROM turns "
                "WHERE created_at >= ? AND created_at < ? ORDER BY created_at, rowid",
                window,
            ).fetchall()
            feedback = self._db.execute(
                "SELECT answer_id, helpful, comment, question, answer, created_at FROM feedback "
                "WHERE created_at >= ? AND created_at < ? ORDER BY created_at, rowid",
                window,
            ).fetchall()
        return Activity(
            questions=[
                AskedQuestion(
                    chat=chat,
                    question=question,
                    answerable=bool(answerable),
                    cited=_CITED.validate_json(cited),
                )
                for chat, question, answerable, cited in turns
            ],
            feedback=[self._feedback(row) for row in feedback],
        )

    # ---------- retention ----------
    def purge_expired(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        with self._lock:
            turns = self._db.execute(
                "DELETE FROM turns WHERE created_at < ?", (_timestamp(now - self.conversation_retention),)
            ).rowcount
            feedback = self._db.execute(
                "DELETE FROM feedback WHERE created_at < ?", (_timestamp(now - self.feedback_retention),)
            ).rowcount
            self._last_purge = now
        return turns + feedback

    def _maybe_purge(self) -> None:
        if datetime.now(UTC) - self._last_purge >= _PURGE_EVERY:
            self.purge_expired()


def open_records(settings: Settings) -> SQLiteRecords | PostgresRecords:
    """The records store configured by ``settings``: PostgreSQL when ``HOIDAP_DATABASE_URL`` is set
    (shared by replicas), else the SQLite file under the data directory."""
    # An empty secret (a compose file's "${HOIDAP_RECORDS_SECRET:-}") counts as unset, never as an empty key.
    given = settings.records_secret.get_secret_value() if settings.records_secret else ""
    secret = given.encode("utf-8") if given else None
    if settings.database_url is not None:
        return PostgresRecords(
            settings.database_url.get_secret_value(),
            secret,
            conversation_retention=timedelta(days=settings.conversation_retention_days),
            feedback_retention=timedelta(days=settings.feedback_retention_days),
        )
    key = secret if secret is not None else load_or_create_key(settings.data_dir / "records.key")
    return SQLiteRecords(
        settings.records_path,
        key,
        conversation_retention=timedelta(days=settings.conversation_retention_days),
        feedback_retention=timedelta(days=settings.feedback_retention_days),
    )
