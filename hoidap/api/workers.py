"""What the worker processes of one `hoidap serve --workers N` share on this machine, without Redis.

Each worker loads its own copy of the read-only index and answers on its own; four things must
still behave as one service:

- **the index version**: :class:`DiskIndexVersion` reads the ``CURRENT`` pointer that an ingest
  moves atomically (``os.replace``), and :func:`hoidap.api.state.follow_index_versions` (the
  replicas' follower) swaps the new version in, whole, in every other worker;
- **document jobs**: one worker at a time runs them, the holder of :class:`RunnerLock` (an
  ``flock`` the kernel releases when the process dies, so a restarted or surviving worker takes
  over); the others only queue jobs in the shared job store, which the runner polls;
- **rate limits**: one SQLite file (:class:`hoidap.ratelimit.SQLiteTokenBucketLimiter`);
- **metrics**: prometheus_client's multiprocess files, in a directory the supervisor
  (:mod:`hoidap.api.supervisor`) gives the workers (:mod:`hoidap.api.metrics`).

With ``HOIDAP_REDIS_URL`` the replicas' Redis notice and limits are used instead.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

from hoidap.index.store import IndexStore


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket the workers share, bound with its protocol set to TCP.

    uvicorn binds it for several workers as ``socket.socket(family)`` (protocol 0), and asyncio
    only sets TCP_NODELAY on accepted connections whose socket says IPPROTO_TCP. Without it every
    response (headers and body are two writes) waited out Nagle and the client's delayed ACK:
    measured on loopback, one client's median went from 32 ms with one worker to 72 ms with two.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class DiskIndexVersion:
    """The index version on disk, with the interface of :class:`hoidap.replicas.IndexVersionNotice`.

    Publishing is a no-op: the ingest that wrote the version already moved the pointer.
    """

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    def publish(self, version: str) -> None:
        return None

    def published(self) -> str | None:
        directory = self.store.current_directory()
        return directory.name if directory is not None else None


class RunnerLock:
    """An exclusive ``flock`` on ``path``: the worker holding it runs the document jobs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: int | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self, *, wait: bool) -> bool:
        """True once held; ``wait=False`` returns False at once when another worker holds it."""
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            os.close(handle)
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            os.close(self._handle)  # closing the descriptor drops the lock
            self._handle = None
