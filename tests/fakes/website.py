"""A fake website on 127.0.0.1 for link previews: pages, redirects, slow and huge answers.

Link previews are off in tests (tests/pytest_environment.py) and refuse loopback addresses,
so the ``fake_website`` fixture turns previews and ``LINK_PREVIEW_ALLOW_PRIVATE`` on and allows
its port; the SSRF tests use ``guarded_website`` (private addresses refused as in production)
and check that nothing reached it.

Routes: ``page(path, html, content_type=..., headers=...)``, ``redirect(path, location,
status=302)``, ``slow(path, html, delay)`` (headers at once, then the body a byte per
``delay``), ``huge(path, size)`` (a valid head, then ``size`` bytes of padding). Unknown paths
are 404. ``requests`` lists ``(path, headers)`` of everything received.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class _Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds between body bytes
    padding: int = 0  # bytes after the body


class FakeWebsite:
    def __init__(self) -> None:
        self.routes: dict[str, _Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page(
        self,
        path: str,
        html: str,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        self.routes[path] = _Route(
            status=status,
            body=html.encode(),
            headers={"Content-Type": content_type, **(headers or {})},
        )
        return self.url + path

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = _Route(status=status, headers={"Location": location})
        return self.url + path

    def slow(self, path: str, html: str, delay: float) -> str:
        self.routes[path] = _Route(
            body=html.encode(), headers={"Content-Type": "text/html"}, delay=delay
        )
        return self.url + path

    def huge(self, path: str, html: str, size: int) -> str:
        self.routes[path] = _Route(
            body=html.encode(), headers={"Content-Type": "text/html"}, padding=size
        )
        return self.url + path

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers.items())))
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if route.delay:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.delay)
                    else:
                        self.wfile.write(route.body)
                    padding = route.padding
                    while padding > 0:
                        chunk = min(padding, 64 * 1024)
                        self.wfile.write(b" " * chunk)
                        padding -= chunk
                except OSError:
                    pass  # the client stopped reading (size or time limit): expected

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> FakeWebsite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fake_website(settings) -> Iterator[FakeWebsite]:
    """A running fake site that link previews may reach (private addresses and its port
    allowed for this test only)."""
    with FakeWebsite() as site:
        settings.LINK_PREVIEW_ENABLED = True
        settings.LINK_PREVIEW_ALLOW_PRIVATE = True
        settings.LINK_PREVIEW_PORTS = [80, 443, site.port]
        yield site


@pytest.fixture
def guarded_website(settings) -> Iterator[FakeWebsite]:
    """A running fake site with the production address rules (private addresses refused);
    only its port is allowed, so a refusal is about the address. Tests prove nothing
    reaches it."""
    with FakeWebsite() as site:
        settings.LINK_PREVIEW_ENABLED = True
        settings.LINK_PREVIEW_ALLOW_PRIVATE = False
        settings.LINK_PREVIEW_PORTS = [80, 443, site.port]
        yield site
