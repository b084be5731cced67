"""The records stores (SQLite and PostgreSQL, see conftest): turns for follow-ups, feedback,
hashing and retention. Tests taking ``records``/``make_store`` run on both."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hoidap.records import Feedback, PostgresRecords, SQLiteRecords, Turn, open_records
from hoidap.settings import Settings


def _turn(answer_id: str, question: str, when: datetime | None = None) -> Turn:
    return Turn(
        answer_id=answer_id,
        question=question,
        standalone_question=question,
        answer=f"trả lời cho {question}",
        answerable=True,
        created_at=when or datetime.now(UTC),
    )


Store = SQLiteRecords | PostgresRecords


def _stored_hashes(records: Store) -> list[str]:
    if isinstance(records, SQLiteRecords):
        return [value for (value,) in sqlite3.connect(records.path).execute("SELECT conversation_hash FROM turns")]
    with records.database.cursor() as cursor:
        cursor.execute("SELECT conversation_hash FROM turns")
        return [value for (value,) in cursor.fetchall()]


def test_recent_turns_are_per_conversation_and_oldest_first(records: Store) -> None:
    start = datetime.now(UTC) - timedelta(minutes=10)
    for i in range(5):
        records.add_turn("chat-a", _turn(f"a{i}", f"câu {i}", start + timedelta(minutes=i)))
    records.add_turn("chat-b", _turn("b0", "khác"))
    turns = records.recent_turns("chat-a", limit=3)
    assert [t.answer_id for t in turns] == ["a2", "a3", "a4"]
    assert [t.answer_id for t in records.recent_turns("chat-b")] == ["b0"]
    assert records.recent_turns("chat-unknown") == []


def test_conversation_ids_are_stored_hashed(records: Store) -> None:
    records.add_turn("telegram:123456789", _turn("x1", "bhyt 2030"))
    raw = _stored_hashes(records)
    assert raw and all("123456789" not in value for value in raw)
    assert raw[0] == records.hash_conversation_id("telegram:123456789")
    # Another key gives another hash: the id cannot be recovered by hashing candidate ids.
    assert SQLiteRecords(":memory:", key=b"z" * 32).hash_conversation_id("telegram:123456789") != raw[0]


def test_feedback_is_stored_and_replaced(records: Store) -> None:
    now = datetime.now(UTC)
    records.add_feedback(Feedback(answer_id="x1", helpful=True, question="q", answer="a", created_at=now))
    records.add_feedback(Feedback(answer_id="x1", helpful=False, comment="sai năm", created_at=now))
    stored = records.get_feedback("x1")
    assert stored is not None and stored.helpful is False and stored.comment == "sai năm"
    assert records.count_feedback() == {True: 0, False: 1}
    assert records.get_feedback("nope") is None


def test_retention_deletes_old_turns_and_feedback(make_store) -> None:
    store = make_store(
        conversation_retention=timedelta(days=1),
        feedback_retention=timedelta(days=2),
    )
    old = datetime.now(UTC) - timedelta(days=3)
    store.add_turn("c", _turn("old", "cũ", old))
    store.add_turn("c", _turn("new", "mới"))
    store.add_feedback(Feedback(answer_id="old", helpful=True, created_at=old))
    # Expired turns are invisible even before the sweep runs …
    assert [t.answer_id for t in store.recent_turns("c")] == ["new"]
    # … and the sweep deletes them.
    assert store.purge_expired() == 2
    assert store.find_turn("old") is None and store.find_turn("new") is not None
    assert store.get_feedback("old") is None


def test_open_records_creates_a_stable_key_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = open_records(settings)
    digest = first.hash_conversation_id("chat")
    first.close()
    assert (tmp_path / "records.key").stat().st_mode & 0o077 == 0
    second = open_records(Settings(data_dir=tmp_path))
    assert second.hash_conversation_id("chat") == digest
    assert second.path == tmp_path / "records.sqlite3"
    assert sqlite3.connect(second.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    second.close()


def test_records_survive_reopening(make_store) -> None:
    store = make_store()
    store.add_turn("c", _turn("t1", "bhyt"))
    store.close()
    reopened = make_store()
    assert [t.question for t in reopened.recent_turns("c")] == ["bhyt"]


def test_cited_sections_round_trip_and_activity_window(records: Store) -> None:
    from hoidap.records import CitedSection

    cited = [CitedSection(doc_id="d1", doc_number="72-NQ/TW", title="Nghị quyết", section="II. › 1.")]
    now = datetime.now(UTC)
    records.add_turn(
        "chat-a", _turn("a1", "câu một", now - timedelta(days=2)).model_copy(update={"cited": cited})
    )
    records.add_turn("chat-b", _turn("a2", "câu hai", now - timedelta(days=10)))
    records.add_feedback(Feedback(answer_id="a1", helpful=False, comment="sai", created_at=now))
    assert records.find_turn("a1").cited == cited
    activity = records.activity(now - timedelta(days=7), now + timedelta(seconds=1))
    assert [(q.question, q.cited) for q in activity.questions] == [("câu một", cited)]
    assert activity.questions[0].chat == records.hash_conversation_id("chat-a")
    assert [(f.answer_id, f.comment) for f in activity.feedback] == [("a1", "sai")]


def test_a_file_from_before_cited_sections_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE turns (answer_id TEXT PRIMARY KEY, conversation_hash TEXT NOT NULL, question TEXT NOT NULL,"
        " standalone_question TEXT NOT NULL, answer TEXT NOT NULL, answerable INTEGER NOT NULL,"
        " created_at TEXT NOT NULL);"
        "INSERT INTO turns VALUES ('old', 'h', 'q', 'q', 'a', 1, '2099-01-01T00:00:00.000000Z');"
    )
    old.close()
    store = SQLiteRecords(path, key=b"k" * 32)
    try:
        assert store.find_turn("old").cited == []
        store.add_turn("chat", _turn("new", "câu mới"))
        assert store.find_turn("new").question == "câu mới"
    finally:
        store.close()


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_records_database_and_key_are_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual umask: files would be 0644 without care
    try:
        settings = Settings(_env_file=None, data_dir=tmp_path, records_secret=None)  # type: ignore[call-arg]
        records = open_records(settings)
        records.add_turn("chat-1", _turn("a1", "bhyt"))
        assert _mode(tmp_path / "records.sqlite3") == 0o600
        assert _mode(tmp_path / "records.key") == 0o600
        for side in tmp_path.glob("records.sqlite3-*"):
            assert _mode(side) == 0o600, side
        records.close()
    finally:
        os.umask(old_umask)


def test_existing_world_readable_files_are_tightened_on_open(tmp_path: Path) -> None:
    SQLiteRecords(tmp_path / "records.sqlite3", key=b"k" * 32).close()
    (tmp_path / "records.key").write_text("00" * 32 + "\n")
    for path in (tmp_path / "records.sqlite3", tmp_path / "records.key"):
        path.chmod(0o644)
    settings = Settings(_env_file=None, data_dir=tmp_path, records_secret=None)  # type: ignore[call-arg]
    open_records(settings).close()
    assert _mode(tmp_path / "records.sqlite3") == 0o600
    assert _mode(tmp_path / "records.key") == 0o600
