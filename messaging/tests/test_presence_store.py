"""Typing and presence live in Redis with a TTL (never Postgres)."""

from __future__ import annotations

import time

import pytest

from automation.realtime_handlers import register_client_message
from messaging.models import Chat
from messaging.presence import online_users, presence_touch, typing_list, typing_start

pytestmark = pytest.mark.django_db


def test_typing_expires_after_its_ttl(make_member, settings):
    settings.TYPING_TTL_SECONDS = 0.3
    alice = make_member("bidi", full_name="Alice Doe")
    bob = make_member("bidi", organization=alice.organization, full_name="Bob Roe")

    typing_start(alice.organization.pk, 7, alice.user)
    typing_start(alice.organization.pk, 7, bob.user)
    both = typing_list(7)
    time.sleep(0.4)

    assert [person["name"] for person in both] == ["Alice Doe", "Bob Roe"]
    assert typing_list(7) == []
    assert typing_list(8) == []


def test_typing_again_soon_after_is_not_announced_again(make_member, settings):
    settings.TYPING_TTL_SECONDS = 0.6
    alice = make_member("bidi")
    organization = alice.organization.pk

    first = typing_start(organization, 7, alice.user)
    again = typing_start(organization, 7, alice.user)
    time.sleep(0.35)
    later = typing_start(organization, 7, alice.user)

    assert (first, again, later) == (True, False, True)


def test_presence_tells_when_someone_comes_online_and_expires(make_member, settings):
    settings.PRESENCE_TTL_SECONDS = 0.3
    alice = make_member("bidi", full_name="Alice Doe")
    organization = alice.organization.pk

    first, again = (
        presence_touch(organization, alice.user),
        presence_touch(organization, alice.user),
    )
    online = online_users(organization)
    time.sleep(0.4)

    assert (first, again) == (True, False)
    assert online == [{"id": alice.user.pk, "name": "Alice Doe"}]
    assert online_users(organization) == []
    assert presence_touch(organization, alice.user) is True


def test_nothing_of_it_is_stored_in_postgres(make_member, django_assert_num_queries):
    alice = make_member("bidi")

    with django_assert_num_queries(0):
        typing_start(alice.organization.pk, 1, alice.user)
        presence_touch(alice.organization.pk, alice.user)
        typing_list(1)
        online_users(alice.organization.pk)

    assert not Chat.objects.exists()


def test_the_socket_keeps_its_own_message_types():
    async def handler(context, content):
        return None

    with pytest.raises(ValueError, match="handled by the socket"):
        register_client_message("ping", handler)
    with pytest.raises(ValueError, match="is registered"):
        register_client_message("typing", handler)
