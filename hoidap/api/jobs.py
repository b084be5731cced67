"""Document jobs on disk (``<data_dir>/jobs.sqlite3``, owner-only): they outlive a restart.

A job row holds what the worker needs to run it again (the staged file, the sources to remove),
so a queued job survives a restart and runs once the index is loaded. What becomes of a job that
was ``running`` when the process stopped is decided by :class:`~hoidap.api.library.DocumentLibrary`
(graceful stop: queued again; crash: cancelled).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from hoidap.api.models import IngestJob
from hoidap.records.private import make_private_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT UNIQUE NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    staged TEXT,
    remove TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
"""
_KEEP_FINISHED = 1000


class JobStore:
    """Jobs by id, in submission order; each row is the job's JSON plus how to run it."""

    def __init__(self, path: Path | str) -> None:
        make_private_database(path)  # job rows name uploaded files: owner-only like the records
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def add(self, job: IngestJob, staged: Path | None, remove: list[str]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs (job_id, status, body, staged, remove) VALUES (?, ?, ?, ?, ?)",
                (job.job_id, job.status, job.model_dump_json(), str(staged) if staged else None, json.dumps(remove)),
            )
            self._db.execute(
                "DELETE FROM jobs WHERE status NOT IN ('queued', 'running') AND seq <= "
                "(SELECT MAX(seq) FROM jobs) - ?",
                (_KEEP_FINISHED,),
            )

    def save(self, job: IngestJob) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE jobs SET status = ?, body = ? WHERE job_id = ?", (job.status, job.model_dump_json(), job.job_id)
            )

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return IngestJob.model_validate_json(row[0]) if row else None

    def work(self, job_id: str) -> tuple[Path | None, list[str]]:
        """The staged file and the sources to remove, as given when the job was queued."""
        with self._lock:
            row = self._db.execute("SELECT staged, remove FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            return None, []
        return (Path(row[0]) if row[0] else None), list(json.loads(row[1]))

    def with_status(self, *statuses: str) -> list[IngestJob]:
        marks = ", ".join("?" for _ in statuses)
        with self._lock:
            rows = self._db.execute(f"SELECT body FROM jobs WHERE status IN ({marks}) ORDER BY seq", statuses).fetchall()
        return [IngestJob.model_validate_json(row[0]) for row in rows]

    def staged_paths(self) -> set[Path]:
        """Staged files of jobs that still need them (queued or running)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT staged FROM jobs WHERE status IN ('queued', 'running') AND staged IS NOT NULL"
            ).fetchall()
        return {Path(row[0]) for row in rows}

    def close(self) -> None:
        with self._lock:
            self._db.close()

