"""Throwaway PostgreSQL and Redis servers from Debian's packages, for tests of the shared back-ends.

Each runs from a fresh temporary directory on a free loopback port and is stopped afterwards.
Fixtures skip with the reason when the binaries are missing (``scripts/setup.sh`` installs them).
Import the fixtures into a conftest (``from tests.servers import postgres_url  # noqa: F401``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start:\n{log.read_text(errors='replace')}")


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary directory; yields the URL of its ``postgres`` database.

    PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's ``postgres`` user.
    """
    bin_dir = postgres_bin()
    assert bin_dir is not None
    user = "postgres" if os.getuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="hoidap-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    data, log = directory / "data", directory / "server.log"
    port = free_port()
    subprocess.run(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", "hoidap", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
        user=user,
    )
    process = subprocess.Popen(
        [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(directory)]
        + ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "shared_buffers=16MB"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        user=user,
    )
    try:
        _wait_for_port(port, process, log)
        url = f"postgresql://hoidap@127.0.0.1:{port}/postgres"
        _wait_for_sql(url)
        yield url
    finally:
        process.terminate()  # SIGTERM: PostgreSQL's "smart" shutdown
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_for_sql(url: str, seconds: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fresh_database(server_url: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server without persistence in a temporary directory; yields its URL."""
    binary = shutil.which("redis-server")
    assert binary is not None
    directory = Path(tempfile.mkdtemp(prefix="hoidap-redis-"))
    log = directory / "server.log"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(directory), "--daemonize", "no"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port, process, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): run scripts/setup.sh as root")
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[scale]'")
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh, empty database of the session's PostgreSQL server."""
    return fresh_database(postgres_server_url)


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: run scripts/setup.sh as root (Debian's redis-server)")
    pytest.importorskip("redis", reason="redis-py is not installed: pip install -e '.[scale]'")
    with redis_server() as url:
        yield url


@pytest.fixture
def redis_url(redis_server_url: str) -> Iterator[str]:
    """The session's Redis, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server_url)
    client.flushall()
    client.close()
    return redis_server_url
