"""The realtime socket end to end: uvicorn serving config.asgi, Channels on the real Redis, a
real Celery worker dispatching what services commit, and a real WebSocket client.

To prove that a socket did *not* receive an event without waiting out a timeout, tests emit a
second event to the same group once the first one was dispatched: messages of one group reach
a socket in order, so the second arriving first proves the first never will.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.tokens import AccessToken
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from accounts import services
from accounts.models import Membership
from automation.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user, *, mfa_device=None) -> str:
    client = Client()
    client.force_login(user)
    if mfa_device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = mfa_device.persistent_id
        session.save()
    return client.cookies["sessionid"].value


def open_socket(
    server, *, cookie: str | None = None, token: str | None = None, origin: str | None = "same"
) -> ClientConnection:
    headers = {}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    if origin:
        headers["Origin"] = server.url if origin == "same" else origin
    url = f"{server.ws_url}/ws/" + (f"?token={token}" if token else "")
    return connect(url, additional_headers=headers, open_timeout=5, close_timeout=2)


def receive(ws: ClientConnection, timeout: float = 2) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


def closed_with(ws: ClientConnection, timeout: float = 2) -> tuple[int, str] | None:
    """The (code, reason) of the close frame the server sent next."""
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=timeout)
    frame = closed.value.rcvd
    return (frame.code, frame.reason) if frame else None


def wait_dispatched(event_name: str, organization) -> Event:
    deadline = time.monotonic() + 5
    events = Event.objects.filter(organization=organization, name=event_name).order_by("-pk")
    while time.monotonic() < deadline:
        event = events.first()
        if event is not None and event.dispatched_at is not None:
            return event
        time.sleep(0.02)
    raise AssertionError(f"{event_name} was not dispatched")


def rename(member, name: str) -> None:
    services.organization_update(
        organization=member.organization, actor=member.user, data={"name": name}
    )


def test_a_signed_in_browser_receives_hello_then_live_events(
    asgi_live_server, celery_worker, make_member
):
    owner = make_member("owner")

    with open_socket(asgi_live_server, cookie=session_cookie(owner.user)) as ws:
        hello = receive(ws)
        started = time.monotonic()
        rename(owner, "Renamed Ventures")
        message = receive(ws, timeout=1)

    assert hello["type"] == "hello"
    assert hello["data"]["organizations"] == [owner.organization.pk]
    assert time.monotonic() - started < 1
    event = Event.objects.get(organization=owner.organization, name="organization.updated")
    assert message["type"] == "organization.updated"
    assert message["id"] == event.pk
    assert message["data"]["organization"]["name"] == "Renamed Ventures"
    assert message["data"]["changed"] == ["name"]


def test_an_api_client_connects_with_a_jwt_in_the_query_string(asgi_live_server, make_member):
    member = make_member("bidi")
    token = str(AccessToken.for_user(member.user))

    with open_socket(asgi_live_server, token=token, origin=None) as ws:
        hello = receive(ws)

    assert hello["type"] == "hello"
    assert hello["data"]["organizations"] == [member.organization.pk]


def test_an_anonymous_socket_is_closed_as_unauthenticated(asgi_live_server):
    with open_socket(asgi_live_server) as ws:
        assert closed_with(ws) == (4401, "authentication required")


def test_an_invalid_jwt_is_closed_as_unauthenticated(asgi_live_server, make_member):
    member = make_member("owner")
    forged = str(AccessToken.for_user(member.user))[:-4] + "AAAA"

    with open_socket(asgi_live_server, token=forged, cookie=session_cookie(member.user)) as ws:
        assert closed_with(ws)[0] == 4401


def test_a_socket_closes_when_its_jwt_expires(asgi_live_server, make_member):
    member = make_member("owner")
    token = AccessToken.for_user(member.user)
    token.set_exp(lifetime=timedelta(seconds=2))

    with open_socket(asgi_live_server, token=str(token), origin=None) as ws:
        assert receive(ws)["type"] == "hello"
        assert closed_with(ws, timeout=4) == (4401, "credentials expired")


def test_a_browser_socket_closes_after_its_session_signs_out(
    asgi_live_server, make_member, settings
):
    settings.REALTIME_RECHECK_SECONDS = 0.2
    member = make_member("owner")
    browser = Client()
    browser.force_login(member.user)

    with open_socket(asgi_live_server, cookie=browser.cookies["sessionid"].value) as ws:
        assert receive(ws)["type"] == "hello"
        browser.logout()
        assert closed_with(ws) == (4401, "signed out")


def test_a_page_of_another_site_cannot_open_a_socket_with_the_session(
    asgi_live_server, make_member
):
    member = make_member("owner")

    with pytest.raises(InvalidStatus) as refused:
        open_socket(
            asgi_live_server,
            cookie=session_cookie(member.user),
            origin="https://evil.example",
        )

    assert refused.value.response.status_code == 403


def test_a_session_that_has_not_passed_mfa_is_refused(asgi_live_server, make_member):
    member = make_member("owner")
    TOTPDevice.objects.create(user=member.user, name="phone", confirmed=True)

    with open_socket(asgi_live_server, cookie=session_cookie(member.user)) as ws:
        assert closed_with(ws)[0] == 4401


def test_a_session_that_passed_mfa_is_accepted_and_stays_connected(
    asgi_live_server, make_member, settings
):
    settings.REALTIME_RECHECK_SECONDS = 0.1
    member = make_member("owner")
    device = TOTPDevice.objects.create(user=member.user, name="phone", confirmed=True)

    with open_socket(asgi_live_server, cookie=session_cookie(member.user, mfa_device=device)) as ws:
        assert receive(ws)["type"] == "hello"
        time.sleep(0.5)  # a few re-checks of the session
        ws.send(json.dumps({"type": "ping"}))
        assert receive(ws)["type"] == "pong"


def test_an_organization_that_requires_mfa_is_not_followed_before_the_member_enrols(
    asgi_live_server, make_member
):
    strict = make_member("owner")
    strict.organization.require_mfa = True
    strict.organization.save()
    relaxed = make_member("owner", organization=None)
    Membership.objects.create(organization=relaxed.organization, user=strict.user, role="viewer")

    with open_socket(asgi_live_server, cookie=session_cookie(strict.user)) as ws:
        hello = receive(ws)

    assert hello["data"]["organizations"] == [relaxed.organization.pk]


def test_a_member_never_receives_another_organizations_events(
    asgi_live_server, celery_worker, make_member
):
    member_a = make_member("owner")
    owner_b = make_member("owner")

    with open_socket(asgi_live_server, cookie=session_cookie(member_a.user)) as ws:
        receive(ws)  # hello
        rename(owner_b, "B renamed")
        wait_dispatched("organization.updated", owner_b.organization)
        rename(member_a, "A renamed")
        message = receive(ws)

    assert message["data"]["organization"]["name"] == "A renamed"


def test_a_viewer_does_not_receive_events_their_role_may_not_see(
    asgi_live_server, celery_worker, make_member
):
    admin = make_member("admin")
    viewer = make_member("viewer", organization=admin.organization)

    with (
        open_socket(asgi_live_server, cookie=session_cookie(admin.user)) as admin_ws,
        open_socket(asgi_live_server, cookie=session_cookie(viewer.user)) as viewer_ws,
    ):
        receive(admin_ws), receive(viewer_ws)  # hellos
        services.api_key_create(
            organization=admin.organization, name="CI", scopes=["read"], actor=admin.user
        )
        wait_dispatched("apikey.created", admin.organization)
        rename(admin, "After the key")
        admin_messages = [receive(admin_ws)["type"], receive(admin_ws)["type"]]
        viewer_message = receive(viewer_ws)

    assert admin_messages == ["apikey.created", "organization.updated"]
    assert viewer_message["type"] == "organization.updated"


def test_a_removed_member_stops_receiving_the_organizations_events(
    asgi_live_server, celery_worker, make_member
):
    owner = make_member("owner")
    leaver = make_member("bidi", organization=owner.organization)

    with open_socket(asgi_live_server, cookie=session_cookie(leaver.user)) as ws:
        receive(ws)  # hello
        services.member_remove(
            membership=Membership.objects.get(user=leaver.user), actor=owner.user
        )
        wait_dispatched("member.removed", owner.organization)
        rename(owner, "Without them")
        wait_dispatched("organization.updated", owner.organization)
        time.sleep(0.2)  # let a wrongly delivered event reach the socket before the ping
        ws.send(json.dumps({"type": "ping"}))
        message = receive(ws)

    assert message["type"] == "pong"


def test_resume_replays_missed_events_in_order(asgi_live_server, make_member):
    owner = make_member("owner")
    cookie = session_cookie(owner.user)
    with open_socket(asgi_live_server, cookie=cookie) as ws:
        last_seen = receive(ws)["data"]["last_event_id"]

    for name in ("First", "Second", "Third"):
        rename(owner, name)

    with open_socket(asgi_live_server, cookie=cookie) as ws:
        receive(ws)  # hello
        ws.send(json.dumps({"type": "resume", "last_event_id": last_seen}))
        replayed = [receive(ws) for _ in range(4)]

    names = [m["data"]["organization"]["name"] for m in replayed[:3]]
    assert names == ["First", "Second", "Third"]
    assert [m["id"] for m in replayed[:3]] == sorted(m["id"] for m in replayed[:3])
    assert replayed[3]["type"] == "resumed"
    assert replayed[3]["data"] == {"last_event_id": replayed[2]["id"], "truncated": False}


def test_resume_replays_only_events_the_role_may_see(asgi_live_server, make_member):
    admin = make_member("admin")
    viewer = make_member("viewer", organization=admin.organization)
    cookie = session_cookie(viewer.user)
    with open_socket(asgi_live_server, cookie=cookie) as ws:
        last_seen = receive(ws)["data"]["last_event_id"]

    services.api_key_create(
        organization=admin.organization, name="CI", scopes=["read"], actor=admin.user
    )
    rename(admin, "Visible")

    with open_socket(asgi_live_server, cookie=cookie) as ws:
        receive(ws)  # hello
        ws.send(json.dumps({"type": "resume", "last_event_id": last_seen}))
        replayed = [receive(ws)["type"], receive(ws)["type"]]

    assert replayed == ["organization.updated", "resumed"]


def test_a_malformed_message_gets_an_error_and_the_socket_stays_open(asgi_live_server, make_member):
    member = make_member("owner")

    with open_socket(asgi_live_server, cookie=session_cookie(member.user)) as ws:
        receive(ws)  # hello
        ws.send("not json")
        error = receive(ws)
        ws.send(json.dumps({"type": "resume", "last_event_id": "yesterday"}))
        invalid_resume = receive(ws)
        ws.send(json.dumps({"type": "ping"}))
        pong = receive(ws)

    assert error == {"type": "error", "data": {"message": "Expected a JSON object."}}
    assert invalid_resume["type"] == "error"
    assert pong["type"] == "pong"
