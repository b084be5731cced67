"""The processor figures the embedder, ingest and the server size themselves from."""

from __future__ import annotations

import os
import sys

import pytest

from hoidap.cpu import idle_cores, runnable_tasks, usable_cores


def test_usable_cores_follow_the_affinity_mask() -> None:
    assert usable_cores() >= 1
    if hasattr(os, "sched_getaffinity"):
        assert usable_cores() == len(os.sched_getaffinity(0))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/loadavg is Linux's")
def test_runnable_tasks_count_the_caller_and_idle_cores_stay_in_range() -> None:
    running = runnable_tasks()
    assert running is not None and running >= 1  # this thread is running while it reads
    assert 0 <= idle_cores() <= usable_cores() - 1
