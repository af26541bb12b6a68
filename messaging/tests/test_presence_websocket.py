"""Typing indicators and online status between teammates, over the real ``/ws/`` socket
(uvicorn serving config.asgi, Channels on the real Redis, a real WebSocket client)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from websockets.sync.client import ClientConnection

from messaging.presence import online_users, typing_list
from messaging.tests.factories import ChatFactory
from tests.test_realtime_websocket import open_socket, receive, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

QUIET = 0.4  # how long a socket must stay silent to count as "received nothing"


@contextmanager
def connect(server, member) -> Iterator[ClientConnection]:
    with open_socket(server, cookie=session_cookie(member.user)) as ws:
        assert receive(ws)["type"] == "hello"
        yield ws


def assert_silent(ws) -> None:
    with pytest.raises(TimeoutError):
        ws.recv(timeout=QUIET)


def test_a_teammate_sees_who_is_typing_within_a_second(asgi_live_server, make_member):
    alice = make_member("bidi", full_name="Alice Doe")
    bob = make_member("viewer", organization=alice.organization)
    chat = ChatFactory(bot__organization=alice.organization)

    with connect(asgi_live_server, alice) as alice_ws, connect(asgi_live_server, bob) as bob_ws:
        started = time.monotonic()
        alice_ws.send(f'{{"type": "typing", "chat": {chat.pk}}}')
        message = receive(bob_ws, timeout=1)
        elapsed = time.monotonic() - started
        assert_silent(alice_ws)  # no echo to the typist's own socket

    assert elapsed < 1
    assert message["type"] == "typing"
    assert message["data"]["chat"] == chat.pk
    assert message["data"]["user"] == {"id": alice.user.pk, "name": "Alice Doe"}
    assert "id" not in message  # ephemeral: not an event, never replayed
    assert typing_list(chat.pk) == [{"id": alice.user.pk, "name": "Alice Doe"}]


def test_a_typist_sending_many_typing_messages_is_announced_once(asgi_live_server, make_member):
    alice = make_member("bidi")
    bob = make_member("bidi", organization=alice.organization)
    chat = ChatFactory(bot__organization=alice.organization)

    with connect(asgi_live_server, alice) as alice_ws, connect(asgi_live_server, bob) as bob_ws:
        for _ in range(5):
            alice_ws.send(f'{{"type": "typing", "chat": {chat.pk}}}')
        assert receive(bob_ws, timeout=1)["type"] == "typing"
        assert_silent(bob_ws)


def test_a_member_of_another_organization_does_not_see_the_typing(asgi_live_server, make_member):
    alice = make_member("bidi")
    bob = make_member("bidi", organization=alice.organization)
    outsider = make_member("owner")
    chat = ChatFactory(bot__organization=alice.organization)

    with (
        connect(asgi_live_server, alice) as alice_ws,
        connect(asgi_live_server, bob) as bob_ws,
        connect(asgi_live_server, outsider) as outsider_ws,
    ):
        alice_ws.send(f'{{"type": "typing", "chat": {chat.pk}}}')
        assert receive(bob_ws, timeout=1)["type"] == "typing"
        assert_silent(outsider_ws)


def test_a_viewer_of_another_organization_cannot_announce_typing_in_our_chat(
    asgi_live_server, make_member
):
    alice = make_member("bidi")
    intruder = make_member("viewer")
    chat = ChatFactory(bot__organization=alice.organization)

    with (
        connect(asgi_live_server, alice) as alice_ws,
        connect(asgi_live_server, intruder) as intruder_ws,
    ):
        intruder_ws.send(f'{{"type": "typing", "chat": {chat.pk}}}')
        answer = receive(intruder_ws)
        assert_silent(alice_ws)

    assert answer == {"type": "error", "data": {"message": "Unknown chat."}}
    assert typing_list(chat.pk) == []


@pytest.mark.parametrize("chat", ['"12"', "null", "true", "999999999"])
def test_typing_in_an_unknown_or_malformed_chat_is_refused(asgi_live_server, make_member, chat):
    member = make_member("bidi")

    with connect(asgi_live_server, member) as ws:
        ws.send(f'{{"type": "typing", "chat": {chat}}}')
        assert receive(ws) == {"type": "error", "data": {"message": "Unknown chat."}}


def test_teammates_see_who_comes_online(asgi_live_server, make_member):
    alice = make_member("owner", full_name="Alice Doe")
    bob = make_member("bidi", organization=alice.organization, full_name="Bob Roe")
    outsider = make_member("owner")
    organization = alice.organization.pk

    with (
        connect(asgi_live_server, alice) as alice_ws,
        connect(asgi_live_server, bob) as bob_ws,
        connect(asgi_live_server, outsider) as outsider_ws,
    ):
        alice_ws.send('{"type": "presence"}')
        seen_by_bob = receive(bob_ws, timeout=1)
        assert receive(alice_ws)["data"]["online"] == seen_by_bob["data"]["online"]
        bob_ws.send('{"type": "presence"}')
        both = receive(alice_ws, timeout=1)
        # A heartbeat of someone already online answers only its sender.
        alice_ws.send('{"type": "presence"}')
        assert receive(alice_ws)["data"]["online"] == both["data"]["online"]
        assert_silent(outsider_ws)

    assert seen_by_bob == {
        "type": "presence",
        "data": {
            "organization": organization,
            "online": [{"id": alice.user.pk, "name": "Alice Doe"}],
        },
    }
    assert both["data"]["online"] == sorted(
        [{"id": alice.user.pk, "name": "Alice Doe"}, {"id": bob.user.pk, "name": "Bob Roe"}],
        key=lambda person: person["id"],
    )
    assert online_users(organization) == both["data"]["online"]


def test_unknown_message_types_are_still_refused(asgi_live_server, make_member):
    with connect(asgi_live_server, make_member("owner")) as ws:
        ws.send('{"type": "launch-rockets"}')
        assert receive(ws) == {"type": "error", "data": {"message": "Unknown message type."}}
