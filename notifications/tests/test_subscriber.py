"""The event spine → notices: a type registered here (and removed afterwards) listens to real
events emitted by real services; the engine keeps members whose role may see the event and the
type, drops the actor, and never tells anyone twice about one event."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts import services
from accounts.models import Membership
from automation.events import dispatch
from automation.models import Event, SubscriberReceipt
from notifications import registry, subscriber
from notifications.models import Notification
from notifications.registry import IN_APP, Content, NotificationType
from notifications.subscriber import SUBSCRIBER_NAME, notify_for_event

pytestmark = pytest.mark.django_db

KEY = "test.subscriber"


@pytest.fixture
def listen() -> Iterator[object]:
    """Register a type for the given events (told: every member of the organization, unless
    ``recipients`` says otherwise) and re-subscribe the engine; both undone after the test."""

    def register(*events: str, **fields: object) -> NotificationType:
        values: dict[str, object] = {
            "key": KEY,
            "label": "Subscriber test",
            "group": "Tests",
            "events": events,
            "recipients": lambda event: Membership.objects.filter(
                organization_id=event.organization_id
            ).values_list("user_id", flat=True),
            "render": lambda event, user: Content(
                title=f"{event.name} for {user.email}", url="/settings/"
            ),
            "default_channels": frozenset({IN_APP}),
            **fields,
        }
        notification_type = NotificationType(**values)
        registry.register_type(notification_type)
        subscriber.subscribe()
        return notification_type

    yield register
    registry._types.pop(KEY, None)
    subscriber.subscribe()


def told(organization=None) -> set[int]:
    notices = Notification.objects.filter(type=KEY)
    if organization is not None:
        notices = notices.filter(organization=organization)
    return set(notices.values_list("user_id", flat=True))


def rename(member, capture, name="Renamed Ventures") -> Event:
    with capture(execute=True):
        services.organization_update(
            organization=member.organization, actor=member.user, data={"name": name}
        )
    return Event.objects.filter(name="organization.updated").latest("pk")


def test_an_event_tells_the_members_its_type_names_but_not_the_actor(
    listen, make_member, django_capture_on_commit_callbacks
):
    listen("organization.updated")
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    viewer = make_member("viewer", organization=owner.organization)

    event = rename(owner, django_capture_on_commit_callbacks)

    assert told() == {bidi.user.pk, viewer.user.pk}
    notice = Notification.objects.get(type=KEY, user=bidi.user)
    assert notice.title == f"organization.updated for {bidi.user.email}"
    assert (notice.event_id, notice.actor_id) == (event.pk, owner.user.pk)
    assert notice.organization_id == owner.organization.pk
    assert notice.key == f"{KEY}:event:{event.pk}"


def test_the_actor_is_told_when_the_type_asks_for_it(
    listen, make_member, django_capture_on_commit_callbacks
):
    listen("organization.updated", notify_actor=True)
    owner = make_member("owner")

    rename(owner, django_capture_on_commit_callbacks)

    assert told() == {owner.user.pk}


def test_a_role_without_the_types_permission_is_not_told(
    listen, make_member, django_capture_on_commit_callbacks
):
    listen("organization.updated", perm="organization.manage")
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)
    make_member("bidi", organization=owner.organization)

    rename(owner, django_capture_on_commit_callbacks)

    assert told() == {admin.user.pk}


def test_a_role_that_cannot_see_the_event_is_not_told(
    listen, make_member, django_capture_on_commit_callbacks
):
    # apikey.created is visible to owners and admins only; the type itself asks for nothing more.
    listen("apikey.created")
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)
    make_member("viewer", organization=owner.organization)

    with django_capture_on_commit_callbacks(execute=True):
        services.api_key_create(
            organization=owner.organization, name="Zapier", scopes=["read"], actor=owner.user
        )

    assert told() == {admin.user.pk}


def test_someone_outside_the_organization_is_never_told(
    listen, make_member, django_capture_on_commit_callbacks
):
    outsider = make_member("owner")
    listen("organization.updated", recipients=lambda event: [outsider.user.pk])
    owner = make_member("owner")

    rename(owner, django_capture_on_commit_callbacks)

    assert told() == set()


def test_a_deactivated_member_is_not_told(listen, make_member, django_capture_on_commit_callbacks):
    listen("organization.updated")
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    type(bidi.user).objects.filter(pk=bidi.user.pk).update(is_active=False)

    rename(owner, django_capture_on_commit_callbacks)

    assert told() == set()


def test_a_type_that_renders_nothing_tells_nobody(
    listen, make_member, django_capture_on_commit_callbacks
):
    listen("organization.updated", render=lambda event, user: None)
    owner = make_member("owner")
    make_member("bidi", organization=owner.organization)

    rename(owner, django_capture_on_commit_callbacks)

    assert told() == set()


def test_a_redispatched_event_tells_nobody_twice(
    listen, make_member, django_capture_on_commit_callbacks
):
    listen("organization.updated")
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    event = rename(owner, django_capture_on_commit_callbacks)

    # As if the receipt and the dispatch mark were lost in a crash: the sweeper dispatches again.
    SubscriberReceipt.objects.filter(event=event, subscriber=SUBSCRIBER_NAME).delete()
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(event.pk)
    notify_for_event(event)

    assert Notification.objects.filter(type=KEY, user=bidi.user).count() == 1
