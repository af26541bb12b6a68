"""Quiet hours and digests on a controlled clock, in the user's time zone: email and Telegram
wait for the quiet hours to end (in-app notices do not), urgent types do not wait, and a
digest goes out at its time with everything that waited for it."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from notifications import tasks
from notifications.models import Delivery, UserSettings
from notifications.registry import EMAIL, IN_APP, TELEGRAM, Content
from notifications.selectors import notifications_for
from notifications.services import notify
from notifications.tests.engine_types import KEY, type_register
from notifications.tests.factories import UserSettingsFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment on New York clocks in January 2026 (UTC-5)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def member(make_member):
    member = make_member("bidi", time_zone="America/New_York")
    UserSettingsFactory(user=member.user, quiet_start=time(22, 0), quiet_end=time(7, 0))
    return member


def tell_at(moment, member, capture, *, source="test:1"):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return notify(
            user=member.user,
            type_key=KEY,
            content=Content(title=f"Notice {source}", body="Details."),
            source=source,
            organization=member.organization,
        )


def test_email_waits_until_the_quiet_hours_end(
    monkeypatch, member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)

    notification = tell_at(local(15, 23, 30), member, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(notification=notification)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.due_at == local(16, 7, 0)
    assert mail.outbox == []


def test_the_in_app_notice_arrives_during_quiet_hours(
    monkeypatch, member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)

    notification = tell_at(local(15, 23, 30), member, django_capture_on_commit_callbacks)

    assert list(notifications_for(member.user, member.organization)) == [notification]


def test_after_midnight_the_quiet_hours_end_the_same_morning(
    monkeypatch, member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)

    notification = tell_at(local(16, 1, 0), member, django_capture_on_commit_callbacks)

    assert Delivery.objects.get(notification=notification).due_at == local(16, 7, 0)


def test_telegram_waits_too(monkeypatch, member, django_capture_on_commit_callbacks):
    type_register(monkeypatch, default_channels=frozenset({IN_APP, TELEGRAM}))

    notification = tell_at(local(15, 22, 0), member, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(notification=notification, channel=TELEGRAM)
    assert (delivery.status, delivery.due_at) == (Delivery.Status.PENDING, local(16, 7, 0))


def test_outside_quiet_hours_the_email_goes_at_once(
    monkeypatch, member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)

    tell_at(local(15, 7, 0), member, django_capture_on_commit_callbacks)

    assert [email.to for email in mail.outbox] == [[member.user.email]]


def test_quiet_hours_follow_the_users_time_zone(
    monkeypatch, make_member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    tokyo = make_member("bidi", time_zone="Asia/Tokyo")
    UserSettingsFactory(user=tokyo.user, quiet_start=time(22, 0), quiet_end=time(7, 0))

    # 23:30 in New York is 13:30 the next day in Tokyo: not quiet there.
    tell_at(local(15, 23, 30), tokyo, django_capture_on_commit_callbacks)

    assert [email.to for email in mail.outbox] == [[tokyo.user.email]]


def test_urgent_types_ignore_quiet_hours(monkeypatch, member, django_capture_on_commit_callbacks):
    type_register(monkeypatch, urgent=True)

    notification = tell_at(local(15, 23, 30), member, django_capture_on_commit_callbacks)

    assert Delivery.objects.get(notification=notification).status == Delivery.Status.SENT
    assert [email.to for email in mail.outbox] == [[member.user.email]]


def test_waiting_deliveries_are_sent_once_the_quiet_hours_end(
    monkeypatch, member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    notification = tell_at(local(15, 23, 30), member, django_capture_on_commit_callbacks)

    with time_machine.travel(local(16, 6, 59), tick=False):
        assert tasks.deliveries_send_due() == 0
    assert mail.outbox == []
    with time_machine.travel(
        local(
            16,
            7,
            0,
        ),
        tick=False,
    ):
        assert tasks.deliveries_send_due() == 1

    [email] = mail.outbox
    assert "Notice test:1" in email.subject
    delivery = Delivery.objects.get(notification=notification)
    assert (delivery.status, delivery.sent_at) == (Delivery.Status.SENT, local(16, 7, 0))


@pytest.mark.parametrize(
    ("digest", "quiet", "created", "due"),
    [
        (UserSettings.Digest.HOURLY, False, local(15, 10, 20), local(15, 11, 0)),
        (UserSettings.Digest.HOURLY, True, local(15, 21, 30), local(16, 7, 0)),
        (UserSettings.Digest.DAILY, False, local(15, 8, 0), local(15, 9, 0)),
        (UserSettings.Digest.DAILY, False, local(15, 10, 0), local(16, 9, 0)),
        (UserSettings.Digest.DAILY, True, local(15, 10, 0), local(16, 7, 0)),
    ],
)
def test_a_digest_email_waits_for_the_digest_time(
    monkeypatch, make_member, digest, quiet, created, due, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    member = make_member("bidi", time_zone="America/New_York")
    UserSettingsFactory(
        user=member.user,
        digest=digest,
        quiet_start=time(22, 0) if quiet else None,
        quiet_end=time(7, 0) if quiet else None,
    )

    notification = tell_at(created, member, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(notification=notification, channel=EMAIL)
    assert (delivery.status, delivery.due_at) == (Delivery.Status.DIGEST, due)
    assert mail.outbox == []


def test_the_digest_goes_out_at_its_time_with_every_waiting_notice(
    monkeypatch, make_member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    member = make_member("bidi", time_zone="America/New_York")
    UserSettingsFactory(user=member.user, digest=UserSettings.Digest.HOURLY)
    tell_at(local(15, 10, 5), member, django_capture_on_commit_callbacks, source="a")
    tell_at(local(15, 10, 40), member, django_capture_on_commit_callbacks, source="b")

    with time_machine.travel(local(15, 10, 59), tick=False):
        assert tasks.digests_send_due() == 0
    with time_machine.travel(local(15, 11, 0), tick=False):
        assert tasks.digests_send_due() == 1

    [email] = mail.outbox
    assert email.to == [member.user.email]
    assert "Notice a" in email.body
    assert "Notice b" in email.body
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
