"""Files holding personal data (questions, chat ids, hashing keys, tokens) readable by the owner only.

Created with mode 0600 from the start (``os.open`` with a mode, not a chmod after the fact, so there
is no moment when another user can open them), and an existing file or SQLite side file (``-wal``,
``-shm``, ``-journal``) left world-readable by an older version is tightened when it is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def make_private(path: Path | str) -> None:
    """Create ``path`` empty with mode 0600 if missing; otherwise set its mode to 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        os.chmod(path, PRIVATE_MODE)
    else:
        os.close(descriptor)


def make_private_database(path: Path | str) -> None:
    """A SQLite database file and its side files owner-only (SQLite gives new side files the
    database file's mode, so the side files created later follow)."""
    if str(path) == ":memory:":
        return
    make_private(path)
    for suffix in _SQLITE_SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.chmod(side, PRIVATE_MODE)


def write_private_text(path: Path | str, text: str) -> None:
    """Replace ``path``'s content with ``text`` atomically; the file is 0600 at every moment."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    os.fchmod(descriptor, PRIVATE_MODE)  # an old temporary file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
