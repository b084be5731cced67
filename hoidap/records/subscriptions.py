"""Digest subscriptions of the bots' propaganda channel (``/dangky``, Zalo ``follow``).

Unlike conversation ids, subscribed chat ids are stored in clear: a broadcast has to address them.
The person asked for it (``/dangky`` or following the OA) and ``/huy``/``unfollow``/a blocked bot
deletes the row, so nothing is kept about people who left.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from hoidap.records.private import make_private_database
from hoidap.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
"""


class SubscriptionStore(Protocol):
    def subscribe(self, channel: str, chat_id: str) -> bool:
        """True when the chat was not subscribed before."""
        ...

    def unsubscribe(self, channel: str, chat_id: str) -> bool:
        """True when the chat was subscribed."""
        ...

    def subscribers(self, channel: str) -> list[str]: ...


class SQLiteSubscriptions:
    """Subscriptions in a table of the records database (its own connection, same WAL file)."""

    def __init__(self, path: Path | str) -> None:
        make_private_database(path)  # chat ids in clear: owner-only
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def subscribe(self, channel: str, chat_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?)",
                (channel, str(chat_id), datetime.now(UTC).isoformat()),
            )
        return cursor.rowcount == 1

    def unsubscribe(self, channel: str, chat_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?", (channel, str(chat_id))
            )
        return cursor.rowcount == 1

    def subscribers(self, channel: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT chat_id FROM subscriptions WHERE channel = ? ORDER BY created_at", (channel,)
            ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_subscriptions(settings: Settings) -> SubscriptionStore:
    """PostgreSQL when ``HOIDAP_DATABASE_URL`` is set (replicas share subscribers), else the SQLite file."""
    if settings.database_url is not None:
        from hoidap.records.postgres import PostgresRecords

        # Subscriptions hash nothing: an empty key spares creating the hashing key.
        return PostgresRecords(settings.database_url.get_secret_value(), key=b"")
    return SQLiteSubscriptions(settings.records_path)
