"""Keeping webhook endpoints from pointing our workers at our own network (SSRF).

An endpoint URL is chosen by an organization's admin, and our workers POST to it: without a
check, ``http://169.254.169.254/`` would reach the cloud metadata service and
``http://localhost:6379/`` our Redis. The rules:

- ``https`` only, unless ``WEBHOOK_ALLOW_HTTP`` (development);
- no credentials in the URL;
- every address the host resolves to (``socket.getaddrinfo``, which also reads literal IPs,
  IPv6 and the odd forms ``0x7f.1``, ``2130706433`` and ``0177.0.0.1``) must be public: no
  private, loopback, link-local, multicast, reserved or unspecified address, no CGNAT, no IPv4
  hidden in IPv6 (mapped, 6to4, Teredo, NAT64) that would be refused itself;
- ``WEBHOOK_ALLOW_PRIVATE_HOSTS`` (self-hosted installs, tests) lets loopback and private
  networks through; link-local, metadata, multicast and unspecified addresses stay refused.

``url_clean`` runs when an endpoint is saved. DNS can change after that, so the sender checks
again at connection time: ``automation.webhooks.delivery`` resolves through
``addresses_checked`` and connects to the address it checked (no second lookup a rebinding DNS
server could answer differently). Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from accounts.errors import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services (AWS, GCP, Azure, OpenStack, DigitalOcean; AWS IPv6 and ECS;
# Alibaba; Oracle): refused even when private hosts are allowed.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "192.0.0.192")
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class HostRefused(Exception):
    """The host resolves to an address webhooks never reach (or does not resolve)."""


def _inner_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why ``address`` is refused, or None for an acceptable one."""
    if address in METADATA:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        inner = _inner_ipv4(address)
        if inner is not None:
            return refusal(inner, allow_private=allow_private)
    for flag, label in (
        (address.is_unspecified, "an unspecified address"),
        (address.is_multicast, "a multicast address"),
        (address.is_link_local, "a link-local address"),
    ):
        if flag:
            return label
    private = (
        address.is_loopback
        or address.is_private
        or address in CGNAT
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )
    if private:
        return None if allow_private else "a private or loopback address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def addresses_checked(host: str, port: int, *, allow_private: bool | None = None) -> list[str]:
    """Resolve ``host`` and return its addresses, when every one of them is acceptable.

    Raises ``HostRefused`` naming the first refused address (or the failed lookup).
    """
    if allow_private is None:
        allow_private = settings.WEBHOOK_ALLOW_PRIVATE_HOSTS
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise HostRefused(f"{host} does not resolve") from exc
    addresses: list[str] = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        address = ipaddress.ip_address(raw)
        reason = refusal(address, allow_private=allow_private)
        if reason:
            raise HostRefused(f"{host} resolves to {reason} ({address})")
        if raw not in addresses:
            addresses.append(raw)
    if not addresses:
        raise HostRefused(f"{host} does not resolve")
    return addresses


def url_clean(url: str) -> str:
    """The URL, stripped, when webhooks may be sent to it; else ``ValidationError`` on "url"."""

    def refuse(message: str) -> ValidationError:
        return ValidationError(message, fields={"url": [message]})

    url = (url or "").strip()
    if not url:
        raise refuse("Enter the URL to send events to.")
    if len(url) > 2000:
        raise refuse("The URL is too long (2000 characters at most).")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise refuse("Enter a valid URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise refuse("Enter a valid URL starting with https://.")
    if scheme == "http" and not settings.WEBHOOK_ALLOW_HTTP:
        raise refuse("The URL must use https://.")
    if parts.username is not None or parts.password is not None:
        raise refuse("Put no user name or password in the URL; the signature authenticates us.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise refuse("The host name is not valid.") from exc
    try:
        addresses_checked(host, port or (443 if scheme == "https" else 80))
    except HostRefused as exc:
        raise refuse(f"Webhooks cannot be sent there: {exc}.") from exc
    return url
