"""What only the PostgreSQL store does: migrations, a key shared through the database, replicas."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hoidap.records import Turn, open_records
from hoidap.records.postgres import SCHEMA_VERSION, Database, PostgresRecords, migrate
from hoidap.records.subscriptions import open_subscriptions
from hoidap.settings import Settings


def _turn(answer_id: str) -> Turn:
    return Turn(
        answer_id=answer_id,
        question="bhyt 2030?",
        standalone_question="bhyt 2030?",
        answer="95%",
        answerable=True,
        created_at=datetime.now(UTC),
    )


def test_schema_is_created_once_and_versioned(postgres_url: str) -> None:
    first = PostgresRecords(postgres_url)
    second = PostgresRecords(postgres_url)  # a second replica starting: nothing to migrate
    database = Database(postgres_url)
    try:
        assert migrate(database) == SCHEMA_VERSION
        with database.cursor() as cursor:
            cursor.execute("SELECT version FROM schema_version ORDER BY version")
            assert [row[0] for row in cursor.fetchall()] == list(range(1, SCHEMA_VERSION + 1))
    finally:
        database.close()
        first.close()
        second.close()


def test_replicas_without_a_secret_share_the_hashing_key(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=postgres_url)  # type: ignore[call-arg]
    one, two = open_records(settings), open_records(settings)
    try:
        assert isinstance(one, PostgresRecords)
        one.add_turn("telegram:42", _turn("a1"))
        # The follow-up arrives on the other replica: its first turn is found under the same hash.
        assert [t.answer_id for t in two.recent_turns("telegram:42")] == ["a1"]
        assert not (tmp_path / "records.key").exists()
    finally:
        one.close()
        two.close()


def test_subscriptions_live_in_the_database(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=postgres_url)  # type: ignore[call-arg]
    store = open_subscriptions(settings)
    assert store.subscribe("telegram", "1") is True
    assert store.subscribe("telegram", "1") is False
    assert store.subscribe("zalo", "2") is True
    assert store.subscribers("telegram") == ["1"]
    assert store.unsubscribe("telegram", "1") is True and store.unsubscribe("telegram", "1") is False
    assert not (tmp_path / "records.sqlite3").exists()
    store.close()  # type: ignore[attr-defined]


def test_a_lost_connection_is_replaced_without_an_error(postgres_url: str) -> None:
    import psycopg

    store = PostgresRecords(postgres_url, key=b"k" * 32)
    try:
        store.add_turn("c", _turn("before"))
        # The server drops every other connection to this database (a restart or failover looks alike).
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        store.add_turn("c", _turn("after"))
        assert [t.answer_id for t in store.recent_turns("c")] == ["before", "after"]
    finally:
        store.close()


def test_an_empty_secret_is_not_used_as_the_key(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=postgres_url, records_secret="")  # type: ignore[call-arg]
    store, empty_key = open_records(settings), PostgresRecords(postgres_url, key=b"")
    try:
        assert store.hash_conversation_id("c") != empty_key.hash_conversation_id("c")
    finally:
        store.close()
        empty_key.close()
