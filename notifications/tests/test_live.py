"""Live delivery over a real WebSocket: uvicorn serving config.asgi, Channels on the real Redis
and a websockets client. A notice reaches its user's open tabs at once, and nobody else's.

As in tests/test_realtime_websocket.py, a socket is shown *not* to receive something without
waiting out a timeout: a later message to the same user's group arrives first.
"""

from __future__ import annotations

import pytest

from notifications.registry import IN_APP, Content
from notifications.services import notification_mark_read, notify, preferences_update
from notifications.tests.engine_types import KEY, type_register
from tests.test_realtime_websocket import open_socket, receive, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def tell(member, title: str, source: str):
    return notify(
        user=member.user,
        type_key=KEY,
        content=Content(title=title, body="Call them.", url="/pipeline/", object_type="deal"),
        source=source,
        organization=member.organization,
    )


def test_a_notice_arrives_on_its_users_socket_and_not_on_another_users(
    asgi_live_server, make_member, monkeypatch
):
    type_register(monkeypatch, default_channels=frozenset({IN_APP}))
    owner = make_member("owner")
    colleague = make_member("bidi", organization=owner.organization)

    with (
        open_socket(asgi_live_server, cookie=session_cookie(owner.user)) as mine,
        open_socket(asgi_live_server, cookie=session_cookie(colleague.user)) as theirs,
    ):
        assert receive(mine)["type"] == "hello"
        assert receive(theirs)["type"] == "hello"
        notice = tell(owner, "Acme signed", "live:1")
        message = receive(mine)
        tell(colleague, "Globex replied", "live:2")
        first_on_theirs = receive(theirs)

    assert message == {
        "type": "notification.created",
        "data": {
            "id": notice.pk,
            "type": KEY,
            "organization": owner.organization.pk,
            "title": "Acme signed",
            "body": "Call them.",
            "url": "/pipeline/",
            "object_type": "deal",
            "object_id": None,
            "created_at": notice.created_at.isoformat(),
            "read": False,
        },
    }
    assert first_on_theirs["type"] == "notification.created"
    assert first_on_theirs["data"]["title"] == "Globex replied"


def test_reading_a_notice_in_one_tab_tells_the_users_other_tabs(
    asgi_live_server, make_member, monkeypatch
):
    type_register(monkeypatch, default_channels=frozenset({IN_APP}))
    owner = make_member("owner")

    with open_socket(asgi_live_server, cookie=session_cookie(owner.user)) as tab:
        assert receive(tab)["type"] == "hello"
        notice = tell(owner, "Acme signed", "live:1")
        assert receive(tab)["type"] == "notification.created"
        notification_mark_read(user=owner.user, notification=notice)
        message = receive(tab)

    assert message == {"type": "notification.read", "data": {"ids": [notice.pk]}}


def test_a_notice_with_in_app_turned_off_is_not_pushed(asgi_live_server, make_member, monkeypatch):
    type_register(monkeypatch, default_channels=frozenset({IN_APP}))
    owner = make_member("owner")
    preferences_update(user=owner.user, changes={(KEY, "in_app"): False, (KEY, "email"): True})

    with open_socket(asgi_live_server, cookie=session_cookie(owner.user)) as tab:
        assert receive(tab)["type"] == "hello"
        tell(owner, "Hidden", "live:1")
        preferences_update(user=owner.user, changes={(KEY, "in_app"): True})
        tell(owner, "Shown", "live:2")
        message = receive(tab)

    assert message["data"]["title"] == "Shown"
