"""What the processor offers this process right now: usable cores and how many of them are busy.

On the ground floor because the embedder (thread counts), ingest (worker processes) and the server
(worker processes) all size themselves from the same two numbers.
"""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on (CPU affinity, e.g. a container's cpuset), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def runnable_tasks() -> int | None:
    """Threads the kernel has runnable at this instant, the caller included (``/proc/loadavg``'s
    fourth field); None where it cannot be read (not Linux).

    An instantaneous count, unlike the load averages beside it: reading it costs microseconds, so
    it can be asked before every query embedding.
    """
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def idle_cores() -> int:
    """Usable cores nobody else is running on at this instant (the caller's own core not counted
    as busy); 0 when that cannot be told."""
    running = runnable_tasks()
    if running is None:
        return 0
    return max(0, usable_cores() - max(1, running))
