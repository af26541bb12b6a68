"""Email digests: notices wait for the user's digest time, then go out as one email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.tests.factories import MembershipFactory, OrganizationFactory
from notifications.delivery import digests_send_due
from notifications.models import Delivery, UserSettings
from notifications.registry import EMAIL, Content
from notifications.services import notify
from notifications.tests.factories import UserSettingsFactory

TYPE = "automation.notify"  # goes by email by default, not urgent: digests hold it
MORNING = datetime(2026, 3, 3, 10, 20, tzinfo=UTC)
DIGEST_AT = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)  # the top of the next hour


@pytest.fixture
def member(make_member, settings):
    settings.SITE_URL = "https://crm.example.com"
    member = make_member("admin", organization=OrganizationFactory(name="Acme Sales"))
    UserSettingsFactory(user=member.user, digest=UserSettings.Digest.HOURLY)
    return member


def _notice(member, organization, title, *, at, url="", body=""):
    return notify(
        user=member.user,
        type_key=TYPE,
        content=Content(title=title, body=body, url=url),
        source=f"test:{title}",
        organization=organization,
        now=at,
    )


def _three_notices(member):
    org = member.organization
    return [
        _notice(member, org, "Globex moved to Negotiation", at=MORNING, url="/deals/1/"),
        _notice(member, org, "Initech replied", at=MORNING + timedelta(minutes=10), url="/c/2/"),
        _notice(member, org, "Hooli won", at=MORNING + timedelta(minutes=20), url="/deals/3/"),
    ]


def test_an_hourly_digest_sends_one_email_with_every_notice_at_the_digest_time(member, smtp_server):
    notices = _three_notices(member)

    assert digests_send_due(now=DIGEST_AT - timedelta(seconds=1)) == 0
    assert smtp_server.received == []

    assert digests_send_due(now=DIGEST_AT) == 1

    [received] = smtp_server.received
    assert received.rcpt_tos == [member.user.email]
    assert received.subject == "BiDi: 3 notifications"
    for title, path in [
        ("Globex moved to Negotiation", "/deals/1/"),
        ("Initech replied", "/c/2/"),
        ("Hooli won", "/deals/3/"),
    ]:
        assert title in received.text
        assert f"Open in BiDi: https://crm.example.com{path}" in received.text
        assert title in received.html
        assert f'href="https://crm.example.com{path}"' in received.html
    assert received.header("List-Unsubscribe").startswith(
        "<https://crm.example.com/notifications/unsubscribe/"
    )
    assert received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert "Unsubscribe from all notification emails" in received.text
    assert "you chose an hourly digest" in received.text
    deliveries = Delivery.objects.filter(notification__in=notices, channel=EMAIL)
    assert {d.status for d in deliveries} == {Delivery.Status.SENT}


def test_a_sent_digest_is_not_sent_again(member, smtp_server):
    _three_notices(member)
    digests_send_due(now=DIGEST_AT)

    assert digests_send_due(now=DIGEST_AT + timedelta(hours=2)) == 0

    assert len(smtp_server.received) == 1


def test_the_digest_lists_notices_oldest_first_grouped_by_organization(member, smtp_server):
    globex_org = OrganizationFactory(name="Globex Partners")
    MembershipFactory(organization=globex_org, user=member.user, role="admin")
    acme = member.organization
    _notice(member, acme, "Acme first", at=MORNING)
    _notice(member, globex_org, "Globex first", at=MORNING + timedelta(minutes=5))
    _notice(member, acme, "Acme second", at=MORNING + timedelta(minutes=10))

    digests_send_due(now=DIGEST_AT)

    [received] = smtp_server.received
    text = received.text
    order = ["ACME SALES", "Acme first", "Acme second", "GLOBEX PARTNERS", "Globex first"]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)
    assert "Acme Sales" in received.html
    assert "Globex Partners" in received.html


def test_digest_times_read_in_the_users_time_zone(member, smtp_server):
    member.user.time_zone = "Europe/Berlin"
    member.user.save(update_fields=["time_zone"])
    _notice(member, member.organization, "Globex moved", at=MORNING)

    digests_send_due(now=DIGEST_AT)

    [received] = smtp_server.received
    assert "Globex moved (3 Mar, 11:20)" in received.text


def test_a_digest_the_server_defers_is_sent_at_the_next_run(member, smtp_server):
    notices = _three_notices(member)
    smtp_server.fail_next(451)

    assert digests_send_due(now=DIGEST_AT) == 0

    assert smtp_server.received == []
    waiting = Delivery.objects.filter(notification__in=notices, channel=EMAIL)
    assert {d.status for d in waiting} == {Delivery.Status.DIGEST}
    retry_at = min(d.due_at for d in waiting)
    assert retry_at > DIGEST_AT
    assert digests_send_due(now=retry_at) == 1
    [received] = smtp_server.received
    assert received.subject == "BiDi: 3 notifications"
