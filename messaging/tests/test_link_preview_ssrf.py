"""Link previews never let a message make the server reach inside its network.

The refusal tests run with the production rules (``LINK_PREVIEW_ALLOW_PRIVATE`` off) against a
real site listening on 127.0.0.1 (``guarded_website``, whose port is allowed so that a refusal
is about the address) and prove it received nothing. Redirect tests must reach the fake site
first, which only ``LINK_PREVIEW_ALLOW_PRIVATE`` allows offline; they redirect to the addresses
refused even then (metadata, link-local) and to schemes and ports never fetched.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from messaging.linkpreview.fetch import (
    LinkFetchFailed,
    LinkRefused,
    address_refusal,
    fetch_page,
)

PAGE = "<html><head><title>Inside</title></head></html>"


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1.2.3",
        "169.254.169.254",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",
        "0.0.0.0",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[fd00:ec2::254]",
        "[fe80::1]",
        "localhost",
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f.1",  # 127.0.0.1 in hex shorthand
    ],
)
def test_private_loopback_and_metadata_addresses_are_refused(guarded_website, host):
    guarded_website.page("/", PAGE)

    with pytest.raises(LinkRefused):
        fetch_page(f"http://{host}:{guarded_website.port}/")

    assert guarded_website.requests == []


def test_a_hostname_resolving_to_loopback_is_refused_before_connecting(guarded_website):
    guarded_website.page("/", PAGE)

    with pytest.raises(LinkRefused, match="loopback"):
        fetch_page(f"http://localhost:{guarded_website.port}/")

    assert guarded_website.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file.html",
        "gopher://127.0.0.1:6379/_INFO",
        "javascript:alert(1)",
        "data:text/html,<title>x</title>",
        "dict://127.0.0.1:11211/stat",
        "//example.com/no-scheme",
    ],
)
def test_non_http_schemes_are_refused(url):
    with pytest.raises(LinkRefused, match="only http and https"):
        fetch_page(url)


@pytest.mark.parametrize(
    "url", ["http://example.com:22/", "http://example.com:6379/", "https://example.com:8443/"]
)
def test_ports_other_than_80_and_443_are_refused(url):
    with pytest.raises(LinkRefused, match="port"):
        fetch_page(url)


def test_links_with_credentials_are_refused():
    with pytest.raises(LinkRefused, match="credentials"):
        fetch_page("http://example.com@127.0.0.1/")


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:a9fe:a9fe]/",  # 169.254.169.254, IPv4-mapped
        "http://169.254.10.10/",  # link-local
        "file:///etc/passwd",
        "http://example.com:6379/",
    ],
)
def test_a_redirect_to_a_refused_target_is_refused(fake_website, location):
    url = fake_website.redirect("/go", location)

    with pytest.raises(LinkRefused):
        fetch_page(url)

    assert fake_website.paths() == ["/go"]


def test_every_redirect_hop_is_checked_not_only_the_first(fake_website):
    fake_website.redirect("/one", "/two")
    fake_website.redirect("/two", "http://169.254.169.254/")

    with pytest.raises(LinkRefused, match="metadata"):
        fetch_page(fake_website.url + "/one")

    assert fake_website.paths() == ["/one", "/two"]


def test_more_than_three_redirects_are_not_followed(fake_website):
    for hop in range(5):
        fake_website.redirect(f"/r{hop}", f"/r{hop + 1}")
    fake_website.page("/r5", PAGE)

    with pytest.raises(LinkFetchFailed, match="redirects"):
        fetch_page(fake_website.url + "/r0")

    assert fake_website.paths() == ["/r0", "/r1", "/r2", "/r3"]


def test_the_checked_address_is_the_one_connected_to(fake_website, monkeypatch):
    """A rebinding DNS server answers a public-looking check with one address and the
    connection with another: we resolve once per hop and connect to what we checked."""
    fake_website.page("/", PAGE)
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["127.0.0.1", "10.255.255.1", "10.255.255.1"])
    lookups = []

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)

    page = fetch_page(f"http://rebind.test:{fake_website.port}/")

    assert b"Inside" in page.body
    assert lookups == ["rebind.test"]
    assert fake_website.requests[0][1]["Host"] == f"rebind.test:{fake_website.port}"


def test_a_host_with_any_private_address_is_refused(guarded_website, monkeypatch):
    """A name answering with a public and a private address is refused outright."""
    real_getaddrinfo = socket.getaddrinfo

    def mixed_getaddrinfo(host, port, *args, **kwargs):
        if host != "mixed.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed_getaddrinfo)

    with pytest.raises(LinkRefused, match="loopback"):
        fetch_page(f"http://mixed.test:{guarded_website.port}/")

    assert guarded_website.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "100.64.0.1",
        "169.254.169.254",
        "169.254.1.1",
        "0.0.0.0",
        "224.0.0.1",
        "233.1.1.1",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "::1",
        "::",
        "fd00:ec2::254",
        "fc00::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2001:db8::1",  # documentation
    ],
)
def test_non_public_addresses_are_refused(address):
    assert address_refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::6810:85e5", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_allowed(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "fd00:ec2::254", "169.254.1.1", "0.0.0.0", "224.0.0.1"]
)
def test_metadata_link_local_and_multicast_stay_refused_when_private_is_allowed(address):
    assert address_refusal(ipaddress.ip_address(address), allow_private=True) is not None


def test_allowing_private_lets_loopback_and_private_networks_through():
    for address in ("127.0.0.1", "10.0.0.1", "::1"):
        assert address_refusal(ipaddress.ip_address(address), allow_private=True) is None
