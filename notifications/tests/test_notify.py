"""``notify``: one notice per source, through the channels preferences resolve to (the user's
own choice, else the organization's default, else the type's), or none at all."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Delivery, Notification
from notifications.registry import EMAIL, IN_APP, TELEGRAM, Content
from notifications.selectors import notifications_for, unread_count
from notifications.services import notify
from notifications.tests.engine_types import KEY, type_register
from notifications.tests.factories import OrgDefaultFactory, PreferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_member):
    return make_member("bidi")


def tell(member, capture, *, source="test:1", title="Acme signed"):
    with capture(execute=True):
        return notify(
            user=member.user,
            type_key=KEY,
            content=Content(title=title, body="Call them.", url="/pipeline/"),
            source=source,
            organization=member.organization,
        )


def channels_of(notification: Notification) -> set[str]:
    channels = {IN_APP} if notification.in_app else set()
    return channels | set(notification.deliveries.values_list("channel", flat=True))


def test_a_notice_is_listed_and_emailed(monkeypatch, member, django_capture_on_commit_callbacks):
    type_register(monkeypatch)

    notification = tell(member, django_capture_on_commit_callbacks)

    assert list(notifications_for(member.user, member.organization)) == [notification]
    assert unread_count(member.user, member.organization) == 1
    [email] = mail.outbox
    assert email.to == [member.user.email]
    assert "Acme signed" in email.subject
    assert Delivery.objects.get(notification=notification).status == Delivery.Status.SENT


def test_the_same_source_notifies_once(monkeypatch, member, django_capture_on_commit_callbacks):
    type_register(monkeypatch)

    first = tell(member, django_capture_on_commit_callbacks)
    again = tell(member, django_capture_on_commit_callbacks, title="Acme signed, again")

    assert again.pk == first.pk
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_another_source_is_another_notice(monkeypatch, member, django_capture_on_commit_callbacks):
    type_register(monkeypatch)

    tell(member, django_capture_on_commit_callbacks, source="test:1")
    tell(member, django_capture_on_commit_callbacks, source="test:2")

    assert notifications_for(member.user, member.organization).count() == 2
    assert len(mail.outbox) == 2


def test_the_type_default_channels_apply_without_other_choices(monkeypatch, member):
    type_register(monkeypatch, default_channels=frozenset({IN_APP, TELEGRAM}))

    notification = notify(
        user=member.user,
        type_key=KEY,
        content=Content(title="Hi"),
        source="s",
        organization=member.organization,
    )

    assert channels_of(notification) == {IN_APP, TELEGRAM}


def test_the_organization_default_wins_over_the_type_default(monkeypatch, member):
    type_register(monkeypatch)
    OrgDefaultFactory(organization=member.organization, type=KEY, channel=EMAIL, enabled=False)
    OrgDefaultFactory(organization=member.organization, type=KEY, channel=TELEGRAM, enabled=True)

    notification = notify(
        user=member.user,
        type_key=KEY,
        content=Content(title="Hi"),
        source="s",
        organization=member.organization,
    )

    assert channels_of(notification) == {IN_APP, TELEGRAM}


def test_another_organizations_default_does_not_apply(monkeypatch, member, make_member):
    type_register(monkeypatch)
    OrgDefaultFactory(
        organization=make_member().organization, type=KEY, channel=EMAIL, enabled=False
    )

    notification = notify(
        user=member.user,
        type_key=KEY,
        content=Content(title="Hi"),
        source="s",
        organization=member.organization,
    )

    assert channels_of(notification) == {IN_APP, EMAIL}


def test_the_users_own_choice_wins_over_the_organization_default(monkeypatch, member):
    type_register(monkeypatch)
    OrgDefaultFactory(organization=member.organization, type=KEY, channel=EMAIL, enabled=False)
    PreferenceFactory(user=member.user, type=KEY, channel=EMAIL, enabled=True)
    PreferenceFactory(user=member.user, type=KEY, channel=IN_APP, enabled=False)

    notification = notify(
        user=member.user,
        type_key=KEY,
        content=Content(title="Hi"),
        source="s",
        organization=member.organization,
    )

    assert channels_of(notification) == {EMAIL}


def test_a_mandatory_type_ignores_the_organization_defaults(monkeypatch, member):
    type_register(monkeypatch, mandatory=True)
    OrgDefaultFactory(organization=member.organization, type=KEY, channel=EMAIL, enabled=False)
    OrgDefaultFactory(organization=member.organization, type=KEY, channel=IN_APP, enabled=False)

    notification = notify(
        user=member.user,
        type_key=KEY,
        content=Content(title="Hi"),
        source="s",
        organization=member.organization,
    )

    assert channels_of(notification) == {IN_APP, EMAIL}


def test_nothing_is_created_when_every_channel_is_off(monkeypatch, member):
    type_register(monkeypatch)
    PreferenceFactory(user=member.user, type=KEY, channel=IN_APP, enabled=False)
    PreferenceFactory(user=member.user, type=KEY, channel=EMAIL, enabled=False)

    notification = notify(
        user=member.user,
        type_key=KEY,
        content=Content(title="Hi"),
        source="s",
        organization=member.organization,
    )

    assert notification is None
    assert not Notification.objects.exists()


def test_in_app_off_hides_the_notice_but_still_emails_it(
    monkeypatch, member, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    PreferenceFactory(user=member.user, type=KEY, channel=IN_APP, enabled=False)

    notification = tell(member, django_capture_on_commit_callbacks)

    assert not notification.in_app
    assert not notifications_for(member.user, member.organization).exists()
    assert unread_count(member.user, member.organization) == 0
    assert [email.to for email in mail.outbox] == [[member.user.email]]


def test_an_unknown_type_is_refused(member):
    with pytest.raises(ValueError, match="Unknown notification type"):
        notify(user=member.user, type_key="no.such", content=Content(title="Hi"), source="s")
