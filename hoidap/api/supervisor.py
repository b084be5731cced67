"""The parent process of `hoidap serve --workers N`: uvicorn's supervisor, told of workers that exit.

uvicorn's :class:`~uvicorn.supervisors.Multiprocess` replaces a worker that died or hung, and
retires workers on SIGHUP (restart all) and SIGTTOU (one fewer); it has no hook for that. Every
place that can drop a worker runs from its loop's two steps, so comparing the worker pids around
them finds every exit, and prometheus_client's bookkeeping for a dead process is done there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from socket import socket

from uvicorn import Config
from uvicorn.supervisors import Multiprocess

from hoidap.api.metrics import mark_worker_dead


class Supervisor(Multiprocess):
    def __init__(self, config: Config, sockets: list[socket], metrics_dir: Path) -> None:
        super().__init__(config, sockets)
        self.metrics_dir = metrics_dir

    def keep_subprocess_alive(self) -> None:
        self._noting_exits(super().keep_subprocess_alive)

    def handle_signals(self) -> None:
        self._noting_exits(super().handle_signals)

    def _pids(self) -> set[int]:
        return {process.pid for process in self.processes if process.pid is not None}

    def _noting_exits(self, step: Callable[[], None]) -> None:
        before = self._pids()
        step()
        for pid in before - self._pids():
            mark_worker_dead(pid, self.metrics_dir)
