"""The unsubscribe link of notification emails works without signing in."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.errors import ValidationError
from notifications.models import Delivery
from notifications.preferences import channel_choices
from notifications.registry import EMAIL, IN_APP, Content, notification_type, notification_types
from notifications.services import notify
from notifications.unsubscribe import unsubscribe_apply, unsubscribe_read, unsubscribe_token

TYPE = "automation.notify"  # "An automation notifies me": email on by default
OTHER_TYPE = "webhook.disabled"  # also email by default; must stay on


@pytest.fixture
def member(make_member):
    return make_member("admin")


def _url(member, type_key=TYPE) -> str:
    token = unsubscribe_token(user=member.user, type_key=type_key)
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def _email_on(member, type_key) -> bool:
    types = [notification_type(type_key)]
    return channel_choices(member.user, member.organization, types)[(type_key, EMAIL)]


def _notice(member, django_capture_on_commit_callbacks, source):
    with django_capture_on_commit_callbacks(execute=True):
        return notify(
            user=member.user,
            type_key=TYPE,
            content=Content(title="Follow up with Globex", url="/deals/1/"),
            source=source,
            organization=member.organization,
        )


def test_the_link_asks_for_confirmation_without_unsubscribing(member, client):
    response = client.get(_url(member))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop emails about “An automation notifies me”?" in page
    assert member.user.email in page
    assert '<form method="post">' in page
    assert reverse("notifications:settings") in page
    assert _email_on(member, TYPE)


def test_posting_turns_off_that_types_email_without_login_or_csrf_token(member):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_url(member))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Done — you will no longer get “An automation notifies me” notifications by email" in (
        page
    )
    assert reverse("notifications:settings") in page
    assert not _email_on(member, TYPE)
    assert _email_on(member, OTHER_TYPE)
    in_app = channel_choices(member.user, member.organization, [notification_type(TYPE)])
    assert in_app[(TYPE, IN_APP)]


def test_one_click_unsubscribe_from_the_email_header_stops_that_email(
    member, smtp_server, django_capture_on_commit_callbacks
):
    _notice(member, django_capture_on_commit_callbacks, source="test:1")
    [received] = smtp_server.received
    header_url = received.header("List-Unsubscribe")[1:-1]
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        urlsplit(header_url).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    second = _notice(member, django_capture_on_commit_callbacks, source="test:2")
    assert not Delivery.objects.filter(notification=second, channel=EMAIL).exists()
    assert len(smtp_server.received) == 1
    assert second.in_app  # still told in the app


def test_a_tampered_token_is_refused(member, client):
    url = _url(member)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]

    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert _email_on(member, TYPE)


def test_a_token_signed_for_something_else_is_refused(member, client):
    token = signing.dumps({"u": member.user.pk, "t": TYPE, "c": EMAIL}, compress=True)

    response = client.post(reverse("notifications:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 400
    assert _email_on(member, TYPE)


def test_a_token_older_than_sixty_days_has_expired(member, client):
    url = _url(member)

    with time_machine.travel(timezone.now() + timedelta(days=61), tick=False):
        response = client.post(url)

    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.content.decode()
    assert _email_on(member, TYPE)


def test_a_token_still_works_after_fifty_nine_days(member, client):
    url = _url(member)

    with time_machine.travel(timezone.now() + timedelta(days=59), tick=False):
        response = client.post(url)

    assert response.status_code == 200
    assert not _email_on(member, TYPE)


def test_the_digest_link_turns_off_every_notification_email(member, client):
    page = client.get(_url(member, type_key="")).content.decode()
    assert "Stop all notification emails?" in page

    response = client.post(_url(member, type_key=""))

    assert response.status_code == 200
    assert "you will no longer get any notifications by email" in response.content.decode()
    for key, type_ in notification_types().items():
        # Security notices (mandatory) keep reaching the user by email.
        assert _email_on(member, key) is type_.mandatory


def test_a_security_notice_has_no_link_that_unsubscribes_from_security_notices(member):
    with pytest.raises(ValidationError):
        unsubscribe_read(unsubscribe_token(user=member.user, type_key="security.login"))


def test_applying_a_token_says_what_was_turned_off(member):
    result = unsubscribe_apply(unsubscribe_token(user=member.user, type_key=TYPE))

    assert (result.user, result.type_key, result.type_keys) == (member.user, TYPE, [TYPE])
    assert result.label == "An automation notifies me"


def test_a_token_of_a_deactivated_user_is_refused(member):
    token = unsubscribe_token(user=member.user, type_key=TYPE)
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])

    with pytest.raises(ValidationError):
        unsubscribe_apply(token)
