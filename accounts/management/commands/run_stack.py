"""``manage.py run_stack`` (what ``make run`` runs): the whole product in one foreground process.

This process owns the embedded PostgreSQL and Redis (importing settings started or joined them
when ``DATABASE_URL`` / ``REDIS_URL`` are unset), so they live exactly as long as it does. It
migrates, loads the demo data once, then runs the ASGI server, a Celery worker and Celery beat as
children through honcho, which prefixes their output and stops them all on Ctrl-C or SIGTERM.
The children get this process's database and Redis URLs, so they join its servers instead of
starting their own.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

import psutil
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings
from honcho.manager import Manager
from honcho.printer import Message, Printer

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, SUPERUSER_EMAIL, demo_organization
from config import embedded

QUEUES = "default,telegram,campaigns,agents,webhooks"
BANNER = "banner"


class Command(BaseCommand):
    help = "Migrate, seed the demo data and run web + Celery worker + beat until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-seed", action="store_true", help="Do not load the demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not _port_is_free(host, port):
            raise CommandError(
                f"Port {port} on {host} is already in use (another `make run`?). "
                f"Stop it, or choose another port: PORT={port + 1} make run"
            )
        # Until honcho takes over the signals, SIGTERM/SIGHUP must unwind normally so the embedded
        # servers' atexit handlers stop them (the default action would leave them running).
        signal.signal(signal.SIGTERM, _exit_on_signal)
        signal.signal(signal.SIGHUP, _exit_on_signal)
        self._describe_services()
        url = f"http://localhost:{port}"
        try:
            self._migrate()
            if options["no_seed"]:
                pass
            elif settings.IS_PRODUCTION:
                self.stdout.write("DJANGO_ENV=production: demo data is not loaded.")
            else:
                # Invitation links printed by the seed point at this server unless SITE_URL says.
                with override_settings(SITE_URL=os.environ.get("SITE_URL") or url):
                    call_command("seed_demo")
            show_demo_logins = demo_organization() is not None
        except KeyboardInterrupt:
            self.stderr.write("Interrupted before the servers started.")
            raise SystemExit(130) from None
        # Children are forked by honcho: they must not inherit our open database sockets.
        connections.close_all()

        env = _child_environment(url)
        manager = _StackManager(
            printer=_BannerPrinter(sys.stdout),
            health_url=f"http://{_probe_host(host)}:{port}/healthz",
            banner=_banner(url, show_demo_logins=show_demo_logins),
        )
        for name, argv in _processes(host, port).items():
            # honcho runs commands through a shell; exec makes the shell become the process.
            command = f"exec {shlex.join(argv)}"
            manager.add_process(name, command, env=env, cwd=str(settings.BASE_DIR))
        manager.loop()
        if _embedded():
            self.stdout.write("Stopping the embedded PostgreSQL and Redis…")
        # Ctrl-C / SIGTERM is the normal way to stop: only a crashed child is a failure.
        if manager.returncode not in (None, 0, 129, 130, 143):
            raise SystemExit(manager.returncode)

    def _migrate(self) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not pending:
            self.stdout.write("Database: migrations up to date.")
            return
        self.stdout.write(f"Database: applying {len(pending)} migrations…")
        call_command("migrate", interactive=False, verbosity=0)

    def _describe_services(self) -> None:
        if os.environ.get("DATABASE_URL"):
            self.stdout.write("PostgreSQL: DATABASE_URL")
        else:
            self.stdout.write(f"PostgreSQL: embedded, data in {settings.DATA_DIR / 'pg'}")
        if os.environ.get("REDIS_URL"):
            self.stdout.write("Redis: REDIS_URL")
        else:
            self.stdout.write(f"Redis: embedded, {settings.REDIS_URL}")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _embedded() -> bool:
    return not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _probe_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 — comparing, not binding


def _child_environment(url: str) -> dict[str, str]:
    """Our environment plus the resolved service URLs, so children join our servers."""
    env = os.environ.copy()
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded.postgres_url(settings.DATA_DIR)
    env["REDIS_URL"] = settings.REDIS_URL
    env.setdefault("BIDI_DATA_DIR", str(settings.DATA_DIR))
    if not settings.IS_PRODUCTION:
        env.setdefault("DJANGO_DEBUG", "1")
        env.setdefault("SITE_URL", url)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _processes(host: str, port: int) -> dict[str, list[str]]:
    python = sys.executable
    uvicorn = [python, "-m", "uvicorn", "config.asgi:application"]
    uvicorn += ["--host", host, "--port", str(port), "--lifespan", "off"]
    # Locally nothing sits in front of uvicorn, so forwarded headers are never trusted.
    uvicorn += ["--no-proxy-headers", "--timeout-graceful-shutdown", "5"]
    celery = [python, "-m", "celery", "-A", "config"]
    return {
        "web": uvicorn,
        "worker": [*celery, "worker", "-Q", QUEUES, "--concurrency", "2", "-l", "info"],
        "beat": [
            *celery,
            "beat",
            "-l",
            "info",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
        ],
        # Telegram bots without a public webhook URL receive by long polling.
        "telegram": [python, str(settings.BASE_DIR / "manage.py"), "telegram_poll"],
    }


def _banner(url: str, *, show_demo_logins: bool) -> list[str]:
    rule = "─" * 72
    lines = [rule, f"  BiDi is running at {url}", ""]
    if show_demo_logins:
        lines.append(f"  Demo logins — password {DEMO_PASSWORD} (local demo only):")
        lines += [f"    {user.role.label:<20} {user.email}" for user in DEMO_USERS]
        lines.append(f"    {'Django admin':<20} {SUPERUSER_EMAIL}  →  {url}/admin/")
        lines.append("")
    lines.append("  Press Ctrl-C to stop the web server, worker, beat, PostgreSQL and Redis.")
    lines.append(rule)
    return lines


class _BannerPrinter(Printer):
    """honcho's printer, except that the banner is printed as is, without a process prefix."""

    def write(self, message: Message) -> None:
        if message.name == BANNER:
            print(message.data, file=self.output, flush=True)
        else:
            super().write(message)


class _StackManager(Manager):
    """Announces the banner once the web server answers its health check."""

    def __init__(self, *, printer: Printer, health_url: str, banner: list[str]) -> None:
        super().__init__(printer=printer)
        self._health_url = health_url
        self._banner_lines = banner

    def _start(self) -> None:
        # Closing the terminal sends SIGHUP to the whole foreground group. honcho's output relays
        # (forked here) must survive it like they survive SIGINT; this process then stops the
        # children as for Ctrl-C instead of dying on the spot with the servers left running.
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        super()._start()
        signal.signal(signal.SIGHUP, self._hang_up)
        # Started only after honcho forked its children, so no child inherits this thread's
        # locks.
        threading.Thread(target=self._announce_when_healthy, daemon=True).start()

    def _hang_up(self, signum: int, frame: object) -> None:
        self.returncode = 129
        self.terminate()

    def _announce_when_healthy(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not self._terminating:
            try:
                with urllib.request.urlopen(self._health_url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        else:
            return
        started = psutil.Process().create_time()
        lines = [*self._banner_lines]
        lines.insert(-2, f"  Ready in {time.time() - started:.1f} s.")
        self.events.put(
            Message(
                type="line", data="\n".join(lines), time=datetime.now(), name=BANNER, colour=None
            )
        )
