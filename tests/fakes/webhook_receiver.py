"""A webhook receiver on 127.0.0.1 that verifies what we send with an independent
implementation of Standard Webhooks: the ``standardwebhooks`` package from PyPI.

It records every request (``received``: headers, body, and which of ``secrets`` verified its
signature) and answers 200 unless told otherwise:

- ``fail(status, times=None)``: answer ``status`` (every time, or the next ``times`` requests);
- ``slow(seconds)``: sleep before answering (longer than the timeout: a timed-out attempt);
- ``throttle(retry_after, status=429)``: answer 429 (or 503) with ``Retry-After``;
- ``redirect(location, status=307)``: answer a redirect (which must not be followed).

The ``webhook_receiver`` fixture runs one and allows loopback endpoints
(``WEBHOOK_ALLOW_PRIVATE_HOSTS`` and ``WEBHOOK_ALLOW_HTTP``) for the test only.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str
    verified_by: list[str] = field(default_factory=list)  # the secrets that verified it

    @property
    def verified(self) -> bool:
        return bool(self.verified_by)

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Behaviour:
    status: int = 200
    times: int | None = None  # None: until told otherwise
    delay: float = 0.0
    retry_after: str | None = None
    location: str | None = None


class WebhookReceiver:
    def __init__(self, secrets: list[str] | None = None) -> None:
        self.secrets: list[str] = list(secrets or [])
        self.received: list[Received] = []
        self._behaviour = _Behaviour()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def fail(self, status: int = 500, *, times: int | None = None) -> None:
        self._behaviour = _Behaviour(status=status, times=times)

    def slow(self, seconds: float) -> None:
        self._behaviour = _Behaviour(delay=seconds)

    def throttle(self, retry_after: int | str, *, status: int = 429) -> None:
        self._behaviour = _Behaviour(status=status, retry_after=str(retry_after))

    def redirect(self, location: str, *, status: int = 307) -> None:
        self._behaviour = _Behaviour(status=status, location=location)

    def recover(self) -> None:
        self._behaviour = _Behaviour()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` requests, waiting for them to arrive (real-worker tests)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received[:count]

    def _verify(self, body: str, headers: dict[str, str]) -> list[str]:
        ok = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            ok.append(secret)
        return ok

    def _answer(self) -> _Behaviour:
        with self._lock:
            behaviour = self._behaviour
            if behaviour.times is not None:
                behaviour.times -= 1
                if behaviour.times <= 0:
                    self._behaviour = _Behaviour()
            return behaviour

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                behaviour = receiver._answer()
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, headers, body, receiver._verify(body, headers))
                    )
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                answer = b'{"ok": true}' if behaviour.status < 300 else b'{"error": "nope"}'
                try:
                    self.send_response(behaviour.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    if behaviour.retry_after is not None:
                        self.send_header("Retry-After", behaviour.retry_after)
                    if behaviour.location is not None:
                        self.send_header("Location", behaviour.location)
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (timeout)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def webhook_receiver(settings) -> Iterator[WebhookReceiver]:
    """A running receiver our workers may reach (loopback and http allowed for this test)."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    settings.WEBHOOK_ALLOW_HTTP = True
    with WebhookReceiver() as receiver:
        yield receiver


def receiver_endpoint(receiver: WebhookReceiver, organization: Any = None, **fields: Any) -> Any:
    """A webhook endpoint of ``organization`` (a new one by default) pointing at ``receiver``,
    whose secret the receiver verifies with."""
    from automation.tests.factories import WebhookEndpointFactory

    if organization is not None:
        fields["organization"] = organization
    endpoint = WebhookEndpointFactory(url=receiver.url, **fields)
    receiver.secrets.append(endpoint.secret)
    return endpoint
