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

import pytest
from django.conf import settings

from tests.fakes.openai import fake_openai  # noqa: F401  (the fake OpenAI API fixture)
from tests.fakes.smtp import smtp_server  # noqa: F401  (the fake SMTP server fixture)
from tests.fakes.telegram import fake_telegram  # noqa: F401  (the fake Bot API fixture)
from tests.fakes.webhook_receiver import (  # noqa: F401  (the fake webhook receiver)
    webhook_receiver,
)

# Environment variables for the run are set in tests/pytest_environment.py (loaded before the
# settings); what has no environment variable is adjusted on the loaded settings here.
# A test worker polls Redis every 0.1 s (not 1 s), so stopping it after each test is quick.
settings.CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] = 0.1
# The worker and live-server threads close their database connections after each task,
# request and consumer call, so none is left open when the test database is dropped.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
# Hashing is not under test here and PBKDF2 costs ~0.5 s a user on a busy CI core.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
def jwt_client(db):
    """An API client that sends a fresh JWT access token for ``user``, and the
    ``X-Organization`` header when ``organization`` is given."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    def make(user, organization=None) -> APIClient:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}
        if organization is not None:
            headers["HTTP_X_ORGANIZATION"] = str(organization.pk)
        client = APIClient()
        client.credentials(**headers)
        return client

    return make


@pytest.fixture
def api_key_client(db):
    """An API client authenticated by a new API key that ``creator`` (an owner or admin
    ``Member``) makes for their organization; the key itself is ``client.api_key``."""
    from rest_framework.test import APIClient

    from accounts import services

    def make(creator: Member, scopes: tuple[str, ...] = ("read",)) -> APIClient:
        issued = services.api_key_create(
            organization=creator.organization,
            name="Test key",
            scopes=list(scopes),
            actor=creator.user,
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
        client.api_key = issued.api_key
        return client

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
            _wait_until_worker_idle()
    finally:
        app.conf.task_always_eager = True


def _wait_until_worker_idle(quiet_for: float = 0.3, timeout: float = 15) -> None:
    """Let the tasks a test set off (an event dispatch queued by its last transaction) finish
    before the database is flushed: a task still writing then deadlocks with the TRUNCATE."""
    import time

    from celery.worker import state

    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if state.active_requests or state.reserved_requests:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_for:
            return
        time.sleep(0.02)


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """Environment variables for running ``manage.py`` as production would (a subprocess),
    against this test session's PostgreSQL and Redis."""
    import secrets

    from config import embedded

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIDI_"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="bidi.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL") or embedded.postgres_url(settings.DATA_DIR),
        REDIS_URL=settings.REDIS_URL,
        REDIS_KEY_PREFIX=f"{settings.REDIS_KEY_PREFIX}-production",
        BIDI_DATA_DIR=str(tmp_path / "data"),
        PYTHONWARNINGS="ignore",
    )
    return env


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
        uvicorn.Config(application, lifespan="off", log_level="warning", ws="websockets-sansio")
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
