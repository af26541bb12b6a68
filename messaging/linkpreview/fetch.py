"""Fetching a linked page without letting a message make our server reach inside its network.

Links in messages come from anyone who can write to a bot, so fetching them is a server-side
request forgery vector: ``http://169.254.169.254/`` would read cloud credentials,
``http://localhost:6379/`` would talk to Redis. The rules, checked on every hop:

- only ``http``/``https``, no credentials in the URL, only ports in ``LINK_PREVIEW_PORTS``
  (80 and 443 by default);
- we resolve the host ourselves and refuse it when *any* of its addresses is not public:
  private, loopback, link-local, multicast, reserved, unspecified, CGNAT (100.64/10), IPv6
  ULA/link-local/site-local, IPv4 embedded in IPv6 (mapped, 6to4, Teredo, NAT64) when that
  IPv4 is refused, and cloud metadata endpoints;
- we connect to the address we checked (never a second DNS lookup, so a rebinding DNS server
  cannot swap in 127.0.0.1 after the check) and send the name as Host header and TLS SNI, so
  certificates are still verified against the name;
- redirects are followed by hand, at most ``LINK_PREVIEW_MAX_REDIRECTS``, each one validated
  like the first URL;
- one deadline (``LINK_PREVIEW_TIMEOUT``) for the whole fetch, DNS included, enforced by a
  watchdog that shuts the socket (a server dripping one byte a second cannot hold a worker),
  at most ``LINK_PREVIEW_MAX_BYTES`` read (we stop reading, the head of a page holds its metadata),
  and only ``text/html`` bodies are returned.

``LINK_PREVIEW_ALLOW_PRIVATE`` (off by default) lets loopback and private networks through so
tests and local development can reach a fake site on 127.0.0.1 — there is no other way to test
a fetch offline. Link-local and metadata addresses stay refused even then.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, replace
from email.message import Message as HeaderMessage
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
USER_AGENT = "Mozilla/5.0 (compatible; BiDiLinkPreview/1.0)"
READ_CHUNK = 16 * 1024

# Refused whatever the settings say: cloud metadata services (AWS, GCP, Azure, OpenStack and
# DigitalOcean use 169.254.169.254; AWS IPv6 and ECS, Alibaba, Oracle their own).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",
        "fd00:ec2::254",
        "169.254.170.2",
        "100.100.100.200",
        "192.0.0.192",
    )
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
# NAT64 prefixes embed an IPv4 address in their last 32 bits.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class LinkRefused(Exception):
    """The URL points somewhere we never fetch (scheme, port or address); not retried."""


class LinkFetchFailed(Exception):
    """The page could not be fetched or is not HTML (network error, timeout, HTTP error)."""


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout: float
    max_redirects: int
    ports: frozenset[int]
    allow_private: bool

    @classmethod
    def from_settings(cls) -> FetchLimits:
        return cls(
            max_bytes=settings.LINK_PREVIEW_MAX_BYTES,
            timeout=settings.LINK_PREVIEW_TIMEOUT,
            max_redirects=settings.LINK_PREVIEW_MAX_REDIRECTS,
            ports=frozenset(settings.LINK_PREVIEW_PORTS),
            allow_private=settings.LINK_PREVIEW_ALLOW_PRIVATE,
        )


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as the URL names it (IDNA-encoded), for the Host header and SNI
    port: int
    path: str  # path and query, ASCII-quoted


def address_refusal(address: IPAddress, *, allow_private: bool = False) -> str | None:
    """Why we refuse to connect to ``address``, or None when it is a public unicast address."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_refusal(embedded, allow_private=allow_private)
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_loopback:
        return None if allow_private else "a loopback address"
    if address in CGNAT:
        return None if allow_private else "a shared (CGNAT) address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return None if allow_private else "a site-local address"
    if address.is_private:
        return None if allow_private else "a private address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's (obfuscation undone by the stdlib)
    if any(address in network for network in NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _target(url: str, limits: FetchLimits) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise LinkRefused(f"not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise LinkRefused(f"only http and https links are fetched, not {scheme or 'none'}")
    if parts.username is not None or parts.password is not None:
        raise LinkRefused("links with credentials are not fetched")
    if not parts.hostname:
        raise LinkRefused("the link has no host")
    port = port or (443 if scheme == "https" else 80)
    if port not in limits.ports:
        raise LinkRefused(f"port {port} is not allowed")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise LinkRefused("the host name is not valid") from exc
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(scheme=scheme, host=host, port=port, path=path)


def _getaddrinfo(host: str, port: int, timeout: float) -> list[tuple]:
    """``socket.getaddrinfo`` under a deadline (it has none; a slow resolver would hold the
    worker). A lookup that overruns is abandoned to its daemon thread."""
    outcome: dict[str, Any] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(max(0.0, timeout))
    if thread.is_alive():
        raise LinkFetchFailed(f"{host} could not be resolved in time")
    if "error" in outcome:
        raise LinkFetchFailed(f"{host} could not be resolved") from outcome["error"]
    return outcome["infos"]


def _resolve(target: _Target, limits: FetchLimits, deadline: float) -> IPAddress:
    """The address to connect to: all of the host's addresses must be acceptable."""
    try:
        addresses = [ipaddress.ip_address(target.host)]
    except ValueError:
        infos = _getaddrinfo(target.host, target.port, deadline - time.monotonic())
        # getaddrinfo also accepts "2130706433" or "0x7f.1" and returns 127.0.0.1: the check
        # below judges what it resolved to, never the spelling.
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not addresses:
        raise LinkFetchFailed(f"{target.host} has no address")
    for address in addresses:
        reason = address_refusal(address, allow_private=limits.allow_private)
        if reason is not None:
            raise LinkRefused(f"{target.host} resolves to {reason} ({address})")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; ``host`` stays the name for the Host header."""

    def __init__(self, target: _Target, address: IPAddress, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; SNI and certificate checks use the name."""

    def __init__(self, target: _Target, address: IPAddress, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _Watchdog:
    """Shuts the connection's socket at the deadline, waking a read blocked on a slow server."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.fired = False
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def fetch_page(url: str, limits: FetchLimits | None = None) -> FetchedPage:
    """GET ``url`` under the rules above and return its HTML (possibly truncated).

    Raises ``LinkRefused`` when a hop points somewhere we never go and ``LinkFetchFailed`` for
    everything else that keeps us from a page.
    """
    limits = limits or FetchLimits.from_settings()
    deadline = time.monotonic() + limits.timeout
    current = url
    for _hop in range(limits.max_redirects + 1):
        target = _target(current, limits)
        address = _resolve(target, limits, deadline)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LinkFetchFailed("timed out")
        connection_class = (
            _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(target, address, timeout=remaining)
        watchdog = _Watchdog(connection, remaining)
        try:
            with watchdog:
                connection.request(
                    "GET",
                    target.path,
                    headers={
                        "User-Agent": USER_AGENT,
                        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                        "Accept-Encoding": "identity",
                        "Connection": "close",
                    },
                )
                response = connection.getresponse()
                if response.status in REDIRECT_STATUSES:
                    location = response.getheader("Location")
                    if not location:
                        raise LinkFetchFailed(f"HTTP {response.status} without a Location")
                    current = urljoin(current, location.strip())
                    continue
                page = _read_page(current, response, limits, deadline)
        except (OSError, http.client.HTTPException) as exc:
            if watchdog.fired:
                raise LinkFetchFailed("timed out") from exc
            raise LinkFetchFailed(f"could not fetch the page: {exc}") from exc
        finally:
            connection.close()
        if watchdog.fired:
            # The deadline cut the body short: keep the head we read, if any.
            if not page.body:
                raise LinkFetchFailed("timed out")
            return replace(page, truncated=True)
        return page
    raise LinkFetchFailed(f"more than {limits.max_redirects} redirects")


def _read_page(
    url: str, response: http.client.HTTPResponse, limits: FetchLimits, deadline: float
) -> FetchedPage:
    if response.status >= 400:
        raise LinkFetchFailed(f"HTTP {response.status}")
    header = HeaderMessage()
    header["Content-Type"] = response.getheader("Content-Type", "")
    content_type = header.get_content_type()
    if content_type not in HTML_TYPES:
        raise LinkFetchFailed(f"not an HTML page ({content_type})")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise LinkFetchFailed(f"compressed response ({encoding}) although identity was asked")
    chunks: list[bytes] = []
    size = 0
    truncated = False
    while True:
        if time.monotonic() >= deadline:
            truncated = True
            break
        chunk = response.read1(min(READ_CHUNK, limits.max_bytes - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size >= limits.max_bytes:
            truncated = True  # stop reading; what we have is the head of the page
            break
    return FetchedPage(
        url=url,
        status=response.status,
        content_type=content_type,
        charset=header.get_content_charset(),
        body=b"".join(chunks),
        truncated=truncated,
    )
