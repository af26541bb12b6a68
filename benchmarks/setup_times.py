"""Measure the newcomer figures: `make run` from a fresh clone to ready, and `make test`.

Usage: .venv/bin/python benchmarks/setup_times.py [--cold] [--with-tests]

"warm" reuses the machine's uv/npm/pip caches (package downloads excluded); "--cold" points
them at empty directories so every package is downloaded again (downloads included). Ready means
/readyz answers 200: database, Redis and a Celery worker all reachable.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"make run exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError("not ready in time")


def time_make_run(clone: Path, env: dict[str, str]) -> float:
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready(port, process)
        return time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true", help="empty package caches")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    args = parser.parse_args()

    env = dict(os.environ)
    for key in ("DATABASE_URL", "REDIS_URL", "BIDI_DATA_DIR", "VIRTUAL_ENV"):
        env.pop(key, None)
    if args.cold:
        caches = Path(tempfile.mkdtemp(prefix="bidi-cold-caches-"))
        env.update(
            UV_CACHE_DIR=str(caches / "uv"),
            npm_config_cache=str(caches / "npm"),
            PIP_NO_CACHE_DIR="1",
        )
    clone = Path(tempfile.mkdtemp(prefix="bidi-clone-")) / "bidi"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)

    label = "cold caches (downloads included)" if args.cold else "warm caches (no downloads)"
    first = time_make_run(clone, env)
    print(f"make run, fresh clone → ready, {label}: {first:.1f} s")
    second = time_make_run(clone, env)
    print(f"make run, second start → ready: {second:.1f} s")
    if args.with_tests:
        started = time.monotonic()
        result = subprocess.run(
            ["make", "test"], cwd=clone, env=env, capture_output=True, text=True
        )
        elapsed = time.monotonic() - started
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        print(f"make test in the clone: {elapsed:.1f} s (exit {result.returncode}; {summary})")
    sys.exit(0)


if __name__ == "__main__":
    main()
