"""A fake SMTP server on 127.0.0.1, built on aiosmtpd (the protocol side is real SMTP).

Django's own SMTP backend talks to it, so pointing ``EMAIL_HOST``/``EMAIL_PORT`` at it is the
only change the application sees. It records every accepted message (``received``: envelope
sender and recipients, the raw bytes and the parsed ``email.message.EmailMessage``) and answers
250 unless told otherwise:

- ``fail_next(code=451, times=1, message=None)``: answer the DATA of the next ``times``
  messages with ``code`` (421/451: the sender should retry later; 5xx: the message is refused);
- ``reject(address, code=550, message=None)``: refuse that recipient at RCPT TO, every time
  (a mailbox that does not exist);
- ``recover()``: forget both.

The ``smtp_server`` fixture runs one and points Django's SMTP backend at it.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO: too loud for a test's captured log.
logging.getLogger("mail.log").setLevel(logging.WARNING)

REPLIES = {
    421: "421 4.3.2 Service not available, closing transmission channel",
    450: "450 4.2.1 Mailbox busy, try again later",
    451: "451 4.3.0 Local error in processing, try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 Mailbox unavailable: no such user here",
    552: "552 5.3.4 Message size exceeds fixed limit",
    554: "554 5.7.1 Message rejected as spam",
}


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.header("Subject")

    def header(self, name: str) -> str:
        """A header's value, unfolded (long headers arrive folded onto a second line)."""
        value = self.message[name]
        return " ".join(str(value).split()) if value is not None else ""

    @property
    def text(self) -> str:
        """The text/plain part, decoded."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        """The text/html part, decoded."""
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


def _reply(code: int, message: str | None) -> str:
    if message:
        return f"{code} {message}"
    return REPLIES.get(code, f"{code} Requested action not taken")


class _Handler:
    """aiosmtpd calls these hooks; their return value is the reply line sent to the client."""

    def __init__(self, server: FakeSMTP) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = self.server._rejected.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        failure = self.server._take_failure()
        if failure is not None:
            return failure
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.server._lock:
            self.server.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), raw, message)
            )
        return "250 2.0.0 OK: queued"


class _LoopbackController(Controller):
    """A controller listening on a port the OS picked (the stock one needs a fixed port)."""

    def __init__(self, handler: _Handler) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._socket.getsockname()[1])

    def _create_server(self) -> Awaitable[Any]:
        return self.loop.create_server(self._factory_invoker, sock=self._socket)


class FakeSMTP:
    """Start with ``with FakeSMTP() as smtp:``; it listens on ``smtp.host``:``smtp.port``."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._failures: list[str] = []
        self._rejected: dict[str, str] = {}
        self._controller = _LoopbackController(_Handler(self))

    @property
    def port(self) -> int:
        return self._controller.port

    def fail_next(self, code: int = 451, *, times: int = 1, message: str | None = None) -> None:
        """Answer the DATA of the next ``times`` messages with ``code``."""
        with self._lock:
            self._failures.extend([_reply(code, message)] * times)

    def reject(self, address: str, *, code: int = 550, message: str | None = None) -> None:
        """Refuse ``address`` as a recipient until ``recover()``."""
        with self._lock:
            self._rejected[address.lower()] = _reply(code, message)

    def recover(self) -> None:
        with self._lock:
            self._failures.clear()
            self._rejected.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` messages, waiting for them to arrive (real-worker tests)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received[:count]

    def _take_failure(self) -> str | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def __enter__(self) -> FakeSMTP:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@pytest.fixture
def smtp_server(settings) -> Iterator[FakeSMTP]:
    """A running fake SMTP server that Django's SMTP backend sends to (no TLS, no login)."""
    with FakeSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server
