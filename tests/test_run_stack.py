"""``make run`` end to end: ``manage.py run_stack`` serves, answers readiness, and Ctrl-C leaves
nothing running. Slow (it boots PostgreSQL, Redis, uvicorn, a worker and beat): one test only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
from django.conf import settings

START_TIMEOUT = 180
STOP_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def wait_for(url: str, output: list[str], deadline: float) -> None:
    while get(url)[0] != 200:
        assert time.monotonic() < deadline, f"{url} never answered 200:\n" + "".join(output)
        time.sleep(0.5)


def stack_processes(root: psutil.Process, data_dir: Path) -> list[psutil.Process]:
    """Every descendant of run_stack, plus servers started for its data dir (postgres is
    detached by pg_ctl, so it is no descendant)."""
    found = {p.pid: p for p in root.children(recursive=True)}
    for process in psutil.process_iter(["cmdline"]):
        if str(data_dir) in " ".join(process.info["cmdline"] or []):
            found[process.pid] = process
    return list(found.values())


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_run_stack_serves_the_product_and_ctrl_c_stops_everything(tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        # The stack must own fresh embedded servers, not join the test run's.
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "REDIS_KEY_PREFIX",
            "CELERY_TASK_ALWAYS_EAGER",
            "XDG_RUNTIME_DIR",
        }
    }
    env.update(BIDI_DATA_DIR=str(data_dir), PORT=str(port), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_stack"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        wait_for(f"{base}/healthz", output, deadline)
        wait_for(f"{base}/readyz", output, deadline)
        status, login_page = get(f"{base}/accounts/login/")
        assert status == 200
        assert "password" in login_page.lower()
        while "BiDi is running at" not in "".join(output):
            assert time.monotonic() < deadline, "no banner:\n" + "".join(output)
            time.sleep(0.2)
        assert "owner@demo.bidi.local" in "".join(output)
        running = stack_processes(psutil.Process(process.pid), data_dir)
        assert len(running) >= 4  # web, worker (+ its pool), beat, redis

        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        process.wait(timeout=STOP_TIMEOUT)
        gone_by = time.monotonic() + 5
        while any(alive(p) for p in running) and time.monotonic() < gone_by:
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    leftovers = [p.info["cmdline"] for p in psutil.process_iter(["cmdline"]) if alive(p)]
    assert [p.pid for p in running if alive(p)] == []
    assert [c for c in leftovers if str(data_dir) in " ".join(c or [])] == []
    assert process.returncode == 0
