"""Progress of an ingest as plain lines, for logs and pipes as much as for terminals.

A 24-law collection takes minutes; whoever runs it (a terminal, CI, ``nohup … > log``) sees a
line per file and, while embedding, a running count with the time left::

    [3/24] luat_cu_tru.txt: mới (38 điều khoản, 112 đoạn)
    Nhúng 1.600/5.033 đoạn (32%), còn khoảng 2 phút 40 giây
"""

from __future__ import annotations

import time
from collections.abc import Callable

FILE_STATUS = {
    "added": "mới",
    "updated": "đã sửa, tách lại",
    "unchanged": "không đổi, giữ nguyên",
    "failed": "lỗi",
}


def file_line(position: int, total: int, source: str, status: str) -> str:
    """``[3/24] luat_cu_tru.txt: mới``."""
    return f"[{position}/{total}] {source}: {FILE_STATUS.get(status, status)}"


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def duration_text(seconds: float) -> str:
    """``160`` → ``2 phút 40 giây``; under a minute in seconds."""
    seconds = max(0, int(round(seconds)))
    minutes, rest = divmod(seconds, 60)
    if minutes == 0:
        return f"{rest} giây"
    return f"{minutes} phút {rest} giây" if rest else f"{minutes} phút"


class EmbeddingProgress:
    """Turns ``(done, total)`` callbacks into a line every ``every_seconds`` (and the last one),
    with the time left estimated from the rate so far."""

    def __init__(self, emit: Callable[[str], None], every_seconds: float = 10.0) -> None:
        self.emit = emit
        self.every_seconds = every_seconds
        self.started: float | None = None
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.started is None:
            self.started = now
            self.last = now
        if done < total and now - self.last < self.every_seconds:
            return
        self.last = now
        self.emit(self.line(done, total, now - self.started))

    @staticmethod
    def line(done: int, total: int, elapsed: float) -> str:
        share = done / total if total else 1.0
        text = f"Nhúng {_thousands(done)}/{_thousands(total)} đoạn ({share:.0%})"
        if done >= total:
            return f"{text}, xong sau {duration_text(elapsed)}"
        if done and elapsed > 0:
            return f"{text}, còn khoảng {duration_text(elapsed / done * (total - done))}"
        return text
