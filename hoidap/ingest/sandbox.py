"""Parse a document in a separate, limited process, so a hostile file costs seconds and megabytes.

The child (``python -m hoidap.ingest.sandbox``) lowers its own CPU-time (``RLIMIT_CPU``) and
address-space (``RLIMIT_AS``) limits before reading anything, then runs :func:`load_text` with the
structural limits and prints the text as JSON. Whatever the file does, the parent only ever holds
the child's JSON answer: a bomb that escaped the structural checks kills the child, not the server.

Used for uploads (the check before a job is accepted, and the job itself) and for ``hoidap ingest``.
A :class:`SandboxLoader` can be cancelled from another thread: the running child is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from hoidap.ingest.limits import ParseLimits, size_text
from hoidap.ingest.loaders import DEFAULT_MAX_BYTES, LoadError

# The child's wall-clock allowance on top of its CPU limit (start-up, reading the file from disk).
_WALL_MARGIN_SECONDS = 30


class LoadCancelled(Exception):
    """The parse was stopped on purpose (a cancelled job, a shutting-down server).

    Not a :class:`LoadError`: the ingestion pipeline records a LoadError and goes on with the next
    file, while a cancelled load must stop the whole run.
    """

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"{path}: đã dừng đọc tệp theo yêu cầu (cancelled)")


class SandboxLoader:
    """``loader(path, max_bytes)`` → text, parsed in a child process under ``limits``.

    One parse at a time per loader; :meth:`cancel` kills the running child (the call then raises
    :class:`LoadCancelled`) and makes every later call raise it too, until :meth:`reset`.
    """

    def __init__(self, limits: ParseLimits | None = None) -> None:
        self.limits = limits or ParseLimits()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()

    def reset(self) -> None:
        with self._lock:
            self._cancelled = False

    def __call__(self, path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
        path = Path(path)
        request = json.dumps({"path": str(path.resolve()), "max_bytes": max_bytes, "limits": self.limits.to_dict()})
        with self._lock:
            if self._cancelled:
                raise LoadCancelled(path)
            process = subprocess.Popen(
                [sys.executable, "-m", "hoidap.ingest.sandbox"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                close_fds=True,
            )
            self._process = process
        wall = self.limits.cpu_seconds + _WALL_MARGIN_SECONDS if self.limits.cpu_seconds else None
        try:
            out, err = process.communicate(request.encode("utf-8"), timeout=wall)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise LoadError(
                path, f"đọc tệp quá lâu (hơn {wall} giây), đã dừng (HOIDAP_PARSE_CPU_SECONDS)"
            ) from None
        finally:
            with self._lock:
                self._process = None
                cancelled = self._cancelled
        if cancelled:
            raise LoadCancelled(path)
        return self._answer(path, process.returncode, out, err)

    def _answer(self, path: Path, returncode: int, out: bytes, err: bytes) -> str:
        try:
            answer = json.loads(out.decode("utf-8")) if out else None
        except ValueError:
            answer = None
        if returncode == 0 and isinstance(answer, dict):
            if "text" in answer:
                return str(answer["text"])
            if "error" in answer:
                raise LoadError(path, str(answer["error"]))
        if returncode in (-signal.SIGXCPU, -signal.SIGKILL) and self.limits.cpu_seconds:
            raise LoadError(
                path,
                f"đọc tệp tốn quá nhiều thời gian xử lý (hơn {self.limits.cpu_seconds} giây CPU, "
                "HOIDAP_PARSE_CPU_SECONDS); tệp có thể bị hỏng hoặc cố ý gây quá tải",
            )
        if returncode == _OUT_OF_MEMORY or b"MemoryError" in err[-2000:]:
            raise LoadError(path, _memory_message(self.limits))
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {returncode}"]
        raise LoadError(path, f"không đọc được tệp, tiến trình đọc tệp dừng bất thường ({detail[0][:160]})")


def load_text_isolated(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES, limits: ParseLimits | None = None) -> str:
    """:func:`~hoidap.ingest.loaders.load_text` in a limited child process (see :class:`SandboxLoader`)."""
    return SandboxLoader(limits)(path, max_bytes)


_OUT_OF_MEMORY = 3


def _memory_message(limits: ParseLimits) -> str:
    return (
        f"đọc tệp cần quá nhiều bộ nhớ (hơn {size_text(limits.memory_bytes)}, HOIDAP_PARSE_MEMORY_BYTES); "
        "tệp có thể bị hỏng hoặc cố ý gây quá tải"
    )


def _limit_self(limits: ParseLimits) -> None:
    import resource

    if limits.cpu_seconds:
        # Soft limit: SIGXCPU (kills); hard limit a second later: SIGKILL if that is ignored.
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    if limits.memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))


def _child() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    limits = ParseLimits.from_dict(request["limits"])
    _limit_self(limits)
    from hoidap.ingest.loaders import load_text

    try:
        text = load_text(request["path"], max_bytes=int(request["max_bytes"]), limits=limits)
        answer: dict[str, str] = {"text": text}
    except LoadError as error:
        answer = {"error": error.reason}
    except MemoryError:
        os.write(2, b"MemoryError\n")
        return _OUT_OF_MEMORY
    except RecursionError:
        answer = {"error": "tệp lồng nhau quá sâu, không đọc được (RecursionError)"}
    sys.stdout.write(json.dumps(answer))  # ASCII: safe whatever the locale and the text
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
