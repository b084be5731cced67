"""Records tests run on both stores: the SQLite file and a throwaway PostgreSQL server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hoidap.records import PostgresRecords, SQLiteRecords
from tests.servers import postgres_server_url, postgres_url, redis_server_url, redis_url  # noqa: F401

StoreFactory = Callable[..., SQLiteRecords | PostgresRecords]


@pytest.fixture(params=["sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """``make_store(key=..., conversation_retention=..., feedback_retention=...)`` on one back-end;
    stores made by one factory share their database, like a reopened file or a second replica."""
    opened: list[SQLiteRecords | PostgresRecords] = []
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")

        def factory(key: bytes = b"k" * 32, **retention: timedelta) -> PostgresRecords:
            opened.append(PostgresRecords(url, key, **retention))
            return opened[-1]
    else:

        def factory(key: bytes = b"k" * 32, **retention: timedelta) -> SQLiteRecords:
            opened.append(SQLiteRecords(tmp_path / "records.sqlite3", key, **retention))
            return opened[-1]

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def records(make_store: StoreFactory) -> SQLiteRecords | PostgresRecords:
    return make_store()
