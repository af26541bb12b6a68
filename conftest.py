"""Fixtures shared by every test: real PostgreSQL and Redis, a real Celery worker, a live ASGI
server (HTTP + WebSocket) and role-specific members.

Unit tests run Celery tasks eagerly; tests that ask for ``celery_worker`` get a real worker
thread consuming from Redis instead.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

# Keys of concurrent test runs (and of a `make run` sharing the same Redis) never collide.
os.environ.setdefault("REDIS_KEY_PREFIX", f"bidi-test-{os.getpid()}")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "mandatory")

import pytest


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Rate limits and lockouts live in the cache; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class Member:
    user: object
    organization: object
    role: str
    password: str = "correct horse battery staple"


@pytest.fixture
def make_member(db):
    """Create a user who belongs to ``organization`` (a new one by default) with ``role``."""
    from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    def make(role: str = "owner", organization=None, **user_fields) -> Member:
        organization = organization or OrganizationFactory()
        user = UserFactory(**user_fields)
        MembershipFactory(organization=organization, user=user, role=role)
        return Member(user=user, organization=organization, role=role)

    return make


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A real Celery worker thread consuming the project's queues from Redis."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            perform_ping_check=False,
            queues=["default", "telegram", "campaigns", "agents", "webhooks"],
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


@dataclass
class LiveServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"


@pytest.fixture
def asgi_live_server(transactional_db, settings) -> Iterator[LiveServer]:
    """Serve config.asgi (HTTP and WebSocket) with uvicorn on a free loopback port."""
    import uvicorn

    from config.asgi import application

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, lifespan="off", log_level="warning", ws="websockets")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield LiveServer("127.0.0.1", port)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
