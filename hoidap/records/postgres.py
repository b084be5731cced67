"""Conversations, feedback and subscriptions in PostgreSQL (psycopg 3), for several API replicas.

Selected by ``HOIDAP_DATABASE_URL``; behaves exactly like :mod:`hoidap.records.sqlite` (the same
behaviour tests run on both). The schema is created and migrated by the service itself: a
``schema_version`` table records the last migration applied, and migrations run under a
transaction-level advisory lock so two replicas starting together do not race.

Conversation ids are HMAC-hashed as in SQLite. Without ``HOIDAP_RECORDS_SECRET`` the key is created
once *in the database* (table ``hashing_key``): every replica must hash a chat id the same way,
or a follow-up asked on another replica would not find its first turn.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from hoidap.optional import require_backend
from hoidap.records.base import Activity, AskedQuestion, CitedSection, Feedback, Turn

# Append only: the index in this list + 1 is the schema version a migration brings the database to.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE turns (
        seq BIGSERIAL UNIQUE,
        answer_id TEXT PRIMARY KEY,
        conversation_hash TEXT NOT NULL,
        question TEXT NOT NULL,
        standalone_question TEXT NOT NULL,
        answer TEXT NOT NULL,
        answerable BOOLEAN NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        cited JSONB NOT NULL DEFAULT '[]'
    );
    CREATE INDEX turns_by_conversation ON turns (conversation_hash, created_at);
    CREATE INDEX turns_by_time ON turns (created_at);
    CREATE TABLE feedback (
        seq BIGSERIAL UNIQUE,
        answer_id TEXT PRIMARY KEY,
        helpful BOOLEAN NOT NULL,
        comment TEXT,
        question TEXT,
        answer TEXT,
        created_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX feedback_by_time ON feedback (created_at);
    CREATE TABLE subscriptions (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (channel, chat_id)
    );
    CREATE TABLE hashing_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BYTEA NOT NULL);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
_MIGRATION_LOCK = 7_315_001  # any constant: the advisory lock id migrations take
_CITED = TypeAdapter(list[CitedSection])
_TURN_COLUMNS = "answer_id, question, standalone_question, answer, answerable, created_at, cited"
_FEEDBACK_COLUMNS = "answer_id, helpful, comment, question, answer, created_at"
_PURGE_EVERY = timedelta(hours=1)


class Database:
    """One autocommit connection shared by the server's threads, reopened after it is lost.

    Each statement takes well under a millisecond on a local network; serialising them per
    process keeps the server's connection count at one per replica (PostgreSQL's connections
    are expensive), and a restarted database is picked up on the next statement.
    """

    def __init__(self, url: str) -> None:
        self._psycopg = require_backend("psycopg", "scale", "HOIDAP_DATABASE_URL")
        self._url = url
        self._lock = threading.Lock()
        self._connection: Any = None
        self._connect()

    def _connect(self) -> None:
        self._connection = self._psycopg.connect(self._url, autocommit=True, connect_timeout=10)

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        with self._lock:
            if self._connection is None or self._connection.closed:
                self._connect()
            try:
                with self._connection.cursor() as cursor:
                    yield cursor
            except self._psycopg.OperationalError:
                # The server went away (restart, failover): the next statement reconnects.
                self._connection.close()
                raise

    def run(self, query: str, parameters: tuple, fetch: bool) -> tuple[list[tuple], int]:
        """One statement: (rows, rowcount). Retried once on a new connection when the old one was
        lost (database restart, failover, idle connection cut): every statement here is idempotent
        (upserts, reads, deletes by key or time), so a retry never applies anything twice."""
        for attempt in (1, 2):
            try:
                with self.cursor() as cursor:
                    cursor.execute(query, parameters)
                    return (cursor.fetchall() if fetch else []), cursor.rowcount
            except self._psycopg.OperationalError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.cursor() as cursor, self._connection.transaction():
            yield cursor

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()


def migrate(database: Database) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    with database.transaction() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        cursor.execute("SELECT max(version) FROM schema_version")
        found = cursor.fetchone()[0] or 0
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"Cơ sở dữ liệu có lược đồ phiên bản {found}, mới hơn bản {SCHEMA_VERSION} mà chương trình "
                "này hiểu: hãy cập nhật hoidap trên máy này."
            )
        for version in range(found + 1, SCHEMA_VERSION + 1):
            cursor.execute(MIGRATIONS[version - 1])
            cursor.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
    return found


def stored_key(database: Database) -> bytes:
    """The hashing key kept in the database, created by whichever replica asks first."""
    with database.cursor() as cursor:
        cursor.execute(
            "INSERT INTO hashing_key (id, key) VALUES (1, %s) ON CONFLICT (id) DO NOTHING", (secrets.token_bytes(32),)
        )
        cursor.execute("SELECT key FROM hashing_key WHERE id = 1")
        return bytes(cursor.fetchone()[0])


class PostgresRecords:
    """Implements :class:`~hoidap.records.base.Records` and ``SubscriptionStore`` on PostgreSQL."""

    def __init__(
        self,
        url: str,
        key: bytes | None = None,
        conversation_retention: timedelta = timedelta(days=30),
        feedback_retention: timedelta = timedelta(days=365),
    ) -> None:
        self.database = Database(url)
        migrate(self.database)
        self._key = key if key is not None else stored_key(self.database)
        self.conversation_retention = conversation_retention
        self.feedback_retention = feedback_retention
        self._last_purge = datetime.now(UTC)
        self.purge_expired()

    def close(self) -> None:
        self.database.close()

    def hash_conversation_id(self, conversation_id: str) -> str:
        return hmac.new(self._key, conversation_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def _fetch(self, query: str, parameters: tuple, convert: Callable[[tuple], Any]) -> list[Any]:
        rows, _ = self.database.run(query, parameters, fetch=True)
        return [convert(row) for row in rows]

    def _execute(self, query: str, parameters: tuple) -> int:
        return self.database.run(query, parameters, fetch=False)[1]

    # ---------- conversations ----------
    def add_turn(self, conversation_id: str, turn: Turn) -> None:
        self._execute(
            f"INSERT INTO turns (conversation_hash, {_TURN_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (answer_id) DO UPDATE SET conversation_hash = EXCLUDED.conversation_hash, "
            "question = EXCLUDED.question, standalone_question = EXCLUDED.standalone_question, "
            "answer = EXCLUDED.answer, answerable = EXCLUDED.answerable, created_at = EXCLUDED.created_at, "
            "cited = EXCLUDED.cited",
            (
                self.hash_conversation_id(conversation_id),
                turn.answer_id,
                turn.question,
                turn.standalone_question,
                turn.answer,
                turn.answerable,
                turn.created_at,
                _CITED.dump_json(turn.cited).decode("utf-8"),
            ),
        )
        self._maybe_purge()

    def recent_turns(self, conversation_id: str, limit: int = 3) -> list[Turn]:
        rows = self._fetch(
            f"SELECT {_TURN_COLUMNS} FROM turns WHERE conversation_hash = %s AND created_at >= %s "
            "ORDER BY created_at DESC, seq DESC LIMIT %s",
            (self.hash_conversation_id(conversation_id), datetime.now(UTC) - self.conversation_retention, limit),
            _turn,
        )
        return list(reversed(rows))

    def find_turn(self, answer_id: str) -> Turn | None:
        rows = self._fetch(f"SELECT {_TURN_COLUMNS} FROM turns WHERE answer_id = %s", (answer_id,), _turn)
        return rows[0] if rows else None

    # ---------- feedback ----------
    def add_feedback(self, feedback: Feedback) -> None:
        self._execute(
            f"INSERT INTO feedback ({_FEEDBACK_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (answer_id) DO UPDATE SET helpful = EXCLUDED.helpful, comment = EXCLUDED.comment, "
            "question = EXCLUDED.question, answer = EXCLUDED.answer, created_at = EXCLUDED.created_at",
            (
                feedback.answer_id,
                feedback.helpful,
                feedback.comment,
                feedback.question,
                feedback.answer,
                feedback.created_at,
            ),
        )
        self._maybe_purge()

    def get_feedback(self, answer_id: str) -> Feedback | None:
        rows = self._fetch(f"SELECT {_FEEDBACK_COLUMNS} FROM feedback WHERE answer_id = %s", (answer_id,), _feedback)
        return rows[0] if rows else None

    def count_feedback(self) -> dict[bool, int]:
        counts = {True: 0, False: 0}
        for helpful, count in self._fetch("SELECT helpful, COUNT(*) FROM feedback GROUP BY helpful", (), tuple):
            counts[bool(helpful)] = count
        return counts

    # ---------- activity (the officers' insights) ----------
    def activity(self, since: datetime, until: datetime) -> Activity:
        questions = self._fetch(
            "SELECT conversation_hash, standalone_question, answerable, cited FROM turns "
            "WHERE created_at >= %s AND created_at < %s ORDER BY created_at, seq",
            (since, until),
            lambda row: AskedQuestion(
                chat=row[0], question=row[1], answerable=row[2], cited=_CITED.validate_python(row[3])
            ),
        )
        feedback = self._fetch(
            f"SELECT {_FEEDBACK_COLUMNS} FROM feedback WHERE created_at >= %s AND created_at < %s "
            "ORDER BY created_at, seq",
            (since, until),
            _feedback,
        )
        return Activity(questions=questions, feedback=feedback)

    # ---------- retention ----------
    def purge_expired(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        turns = self._execute("DELETE FROM turns WHERE created_at < %s", (now - self.conversation_retention,))
        feedback = self._execute("DELETE FROM feedback WHERE created_at < %s", (now - self.feedback_retention,))
        self._last_purge = now
        return turns + feedback

    def _maybe_purge(self) -> None:
        if datetime.now(UTC) - self._last_purge >= _PURGE_EVERY:
            self.purge_expired()

    # ---------- subscriptions (the bots' digest channel) ----------
    def subscribe(self, channel: str, chat_id: str) -> bool:
        return (
            self._execute(
                "INSERT INTO subscriptions VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (channel, str(chat_id), datetime.now(UTC)),
            )
            == 1
        )

    def unsubscribe(self, channel: str, chat_id: str) -> bool:
        return (
            self._execute("DELETE FROM subscriptions WHERE channel = %s AND chat_id = %s", (channel, str(chat_id)))
            == 1
        )

    def subscribers(self, channel: str) -> list[str]:
        return self._fetch(
            "SELECT chat_id FROM subscriptions WHERE channel = %s ORDER BY created_at", (channel,), lambda row: row[0]
        )


def _turn(row: tuple) -> Turn:
    answer_id, question, standalone, answer, answerable, created_at, cited = row
    return Turn(
        answer_id=answer_id,
        question=question,
        standalone_question=standalone,
        answer=answer,
        answerable=answerable,
        created_at=created_at.astimezone(UTC),
        cited=_CITED.validate_python(cited),
    )


def _feedback(row: tuple) -> Feedback:
    answer_id, helpful, comment, question, answer, created_at = row
    return Feedback(
        answer_id=answer_id,
        helpful=helpful,
        comment=comment,
        question=question,
        answer=answer,
        created_at=created_at.astimezone(UTC),
    )
