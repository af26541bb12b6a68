"""A small keep-alive HTTP/1.1 client for webhook POSTs, on the standard library's http.client.

Why not httpx: fan-out is thousands of small POSTs a second, and per request httpx spent
0.5 to 1 ms of CPU on our 2-core machines where http.client spends 0.1 to 0.15 ms (measured with
benchmarks/webhook_fanout.py's receiver); the sending workers are CPU-bound, so that is the
throughput. What we need from a client is little: keep-alive connections shared by the sending
threads, a timeout, TLS with certificate checks, no redirects, no proxies from the environment,
and an SSRF check at connection time — which is where this client resolves the host itself
(``ssrf.addresses_checked``) and connects to the address it checked, so a rebinding DNS server
cannot answer differently between the check and the connection. TLS still verifies the
certificate against the host name (SNI).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from automation.webhooks.ssrf import HostRefused, addresses_checked

# Idle connections kept per origin, and for how long (servers close idle ones after 5 to 60 s).
MAX_IDLE_PER_ORIGIN = 8
IDLE_SECONDS = 20.0
READ_BYTES = 4000

Origin = tuple[str, str, int]  # scheme, host, port


class TransportError(Exception):
    """The request got no HTTP answer: refused, unreachable, TLS, reset, timeout."""


class TransportTimeout(TransportError):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    retry_after: str | None
    head: bytes  # the start of the body, at most READ_BYTES


def _connect_checked(host: str, port: int, timeout: float) -> socket.socket:
    last: OSError | None = None
    for address in addresses_checked(host, port):
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            last = exc
    raise last or OSError(f"could not connect to {host}")


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = _connect_checked(self.host, self.port, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = _connect_checked(self.host, self.port, self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Transport:
    """Thread-safe: any number of threads may ``post`` at once; idle connections are shared."""

    def __init__(self, *, user_agent: str) -> None:
        self.user_agent = user_agent
        self._idle: dict[Origin, list[tuple[float, http.client.HTTPConnection]]] = {}
        self._lock = threading.Lock()
        self._tls = ssl.create_default_context()

    def _take(self, origin: Origin, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(origin, [])
            while idle:
                used_at, conn = idle.pop()
                if now - used_at < IDLE_SECONDS:
                    conn.timeout = timeout
                    if conn.sock is not None:
                        conn.sock.settimeout(timeout)
                    return conn, True
                conn.close()
        scheme, host, port = origin
        if scheme == "https":
            return _HTTPSConnection(host, port, timeout=timeout, context=self._tls), False
        return _HTTPConnection(host, port, timeout=timeout), False

    def _give_back(self, origin: Origin, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < MAX_IDLE_PER_ORIGIN:
                idle.append((time.monotonic(), conn))
                return
        conn.close()

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Response:
        """POST ``body``; the answer's status, Retry-After and first bytes. Raises
        ``HostRefused`` (SSRF check), ``TransportTimeout`` or ``TransportError``."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        origin = (scheme, host, parts.port or (443 if scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": self.user_agent, **headers}
        for _try in range(2):
            conn, reused = self._take(origin, timeout)
            try:
                conn.request("POST", target, body=body, headers=headers)
                response = conn.getresponse()
                head = response.read(READ_BYTES)
            except HostRefused:
                conn.close()
                raise
            except TimeoutError as exc:
                conn.close()
                raise TransportTimeout(str(exc)) from exc
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                conn.close()
                if reused:
                    continue  # the server closed an idle connection: once more on a new one
                raise TransportError(f"Connection closed: {exc}") from exc
            except ssl.SSLError as exc:
                conn.close()
                raise TransportError(f"TLS error: {exc.reason or exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise TransportError(f"Connection failed: {exc}") from exc
            if response.isclosed() and not response.will_close:
                self._give_back(origin, conn)
            else:  # a body longer than we read, or the server closes: do not reuse
                conn.close()
            return Response(response.status, response.getheader("retry-after"), head)
        raise TransportError("Connection closed by the server")
