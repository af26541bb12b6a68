"""The notification center over the API: listing, filters, reading, counts, and whose notices
are visible (only your own, of this organization or of your account)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import MembershipFactory
from notifications import registry
from notifications.models import Notification
from notifications.realtime import notification_message
from notifications.registry import EMAIL, IN_APP
from notifications.tests.engine_types import test_type
from notifications.tests.factories import NotificationFactory

NOTIFICATIONS = "/api/v1/notifications/"
WON = test_type(
    key="apitest.won",
    label="A deal I own is won",
    group="Pipeline",
    default_channels=frozenset({IN_APP, EMAIL}),
    description="When a deal you own moves to a won stage.",
)
MENTION = test_type(
    key="apitest.mention",
    label="Someone mentions me in a note",
    group="Notes",
    default_channels=frozenset({IN_APP}),
)


@pytest.fixture(autouse=True)
def types(monkeypatch):
    """Types of this module's own; the process-wide registry gets its old content back."""
    for notification_type in (WON, MENTION):
        monkeypatch.setitem(registry._types, notification_type.key, notification_type)


def notice(member, **fields) -> Notification:
    fields.setdefault("organization", member.organization)
    fields.setdefault("type", WON.key)
    return NotificationFactory(user=member.user, **fields)


def listed(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_shows_my_notices_of_this_organization_and_of_my_account(make_member, jwt_client):
    bidi = make_member("bidi")
    colleague = make_member("bidi", organization=bidi.organization)
    elsewhere = make_member("owner")
    MembershipFactory(organization=elsewhere.organization, user=bidi.user, role="viewer")
    here = notice(bidi)
    account_level = notice(bidi, organization=None, type=MENTION.key)
    notice(bidi, organization=elsewhere.organization)  # mine, but of my other organization
    notice(colleague)  # of this organization, but someone else's

    response = jwt_client(bidi.user, bidi.organization).get(NOTIFICATIONS)

    assert listed(response) == [account_level.pk, here.pk]


def test_a_listed_notice_has_the_live_message_shape_plus_actor_and_read_time(
    make_member, jwt_client
):
    bidi = make_member("bidi")
    boss = make_member("owner", organization=bidi.organization, full_name="Ada Boss")
    read_at = timezone.now()
    notification = notice(
        bidi, actor=boss.user, read_at=read_at, object_type="deal", object_id=7, url="/deals/7/"
    )

    row = jwt_client(bidi.user).get(NOTIFICATIONS).json()["results"][0]

    assert row == {
        **notification_message(notification),
        "actor": {"id": boss.user.pk, "name": "Ada Boss"},
        "read_at": read_at.isoformat(),
    }
    assert row["read"] is True


def test_notices_without_an_in_app_channel_are_not_listed(make_member, jwt_client):
    bidi = make_member("bidi")
    notice(bidi, in_app=False)  # email only: the user turned in-app off for its type

    assert listed(jwt_client(bidi.user).get(NOTIFICATIONS)) == []


def test_unread_filter_lists_unread_or_read_notices(make_member, jwt_client):
    bidi = make_member("bidi")
    unread = notice(bidi)
    read = notice(bidi, read_at=timezone.now())
    client = jwt_client(bidi.user)

    assert listed(client.get(NOTIFICATIONS, {"unread": "true"})) == [unread.pk]
    assert listed(client.get(NOTIFICATIONS, {"unread": "false"})) == [read.pk]
    assert listed(client.get(NOTIFICATIONS)) == [read.pk, unread.pk]


def test_type_filter_lists_notices_of_that_type(make_member, jwt_client):
    bidi = make_member("bidi")
    mention = notice(bidi, type=MENTION.key)
    notice(bidi, type=WON.key)

    response = jwt_client(bidi.user).get(NOTIFICATIONS, {"type": MENTION.key})

    assert listed(response) == [mention.pk]


def test_unknown_type_filter_is_a_field_error(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).get(NOTIFICATIONS, {"type": "deal.exploded"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["type"]


def test_pages_follow_the_cursor_newest_first_without_gaps(make_member, jwt_client):
    bidi = make_member("bidi")
    moment = timezone.now()
    # Two notices at the same instant: the id keeps their order stable across pages.
    notices = [
        notice(bidi, created_at=moment - timezone.timedelta(minutes=n // 2)) for n in range(5)
    ]
    client = jwt_client(bidi.user)

    seen, url = [], f"{NOTIFICATIONS}?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    expected = sorted(notices, key=lambda n: (n.created_at, n.pk), reverse=True)
    assert seen == [n.pk for n in expected]


def test_list_queries_stay_few_however_many_notices(
    make_member, jwt_client, django_assert_max_num_queries
):
    bidi = make_member("bidi")
    actors = [make_member("bidi", organization=bidi.organization).user for _ in range(3)]
    for n in range(30):
        notice(bidi, actor=actors[n % 3])
    client = jwt_client(bidi.user)

    with django_assert_max_num_queries(3):
        response = client.get(NOTIFICATIONS)

    assert len(listed(response)) == 30
    assert {row["actor"]["id"] for row in response.json()["results"]} == {a.pk for a in actors}


def test_retrieve_my_notice(make_member, jwt_client):
    bidi = make_member("bidi")
    notification = notice(bidi)

    response = jwt_client(bidi.user).get(f"{NOTIFICATIONS}{notification.pk}/")

    assert response.status_code == 200
    assert response.json()["title"] == notification.title


def test_a_colleagues_notice_is_not_found_nor_readable(make_member, jwt_client):
    bidi = make_member("bidi")
    colleague = make_member("owner", organization=bidi.organization)
    theirs = notice(colleague)
    client = jwt_client(bidi.user)

    assert client.get(f"{NOTIFICATIONS}{theirs.pk}/").status_code == 404
    assert client.post(f"{NOTIFICATIONS}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_my_notice_of_another_organization_is_not_found_here(make_member, jwt_client):
    bidi = make_member("bidi")
    other = make_member("owner")
    MembershipFactory(organization=other.organization, user=bidi.user, role="bidi")
    there = notice(bidi, organization=other.organization)
    client = jwt_client(bidi.user, bidi.organization)

    assert client.get(f"{NOTIFICATIONS}{there.pk}/").status_code == 404
    assert client.post(f"{NOTIFICATIONS}{there.pk}/read/").status_code == 404
    there.refresh_from_db()
    assert there.read_at is None


def test_notices_of_an_organization_i_left_are_not_found(make_member, jwt_client):
    bidi = make_member("bidi")
    left = notice(bidi)
    bidi.user.memberships.all().delete()
    stays = make_member("bidi")
    MembershipFactory(organization=stays.organization, user=bidi.user, role="bidi")

    response = jwt_client(bidi.user).get(f"{NOTIFICATIONS}{left.pk}/")

    assert response.status_code == 404


def test_marking_a_notice_read_and_unread(make_member, jwt_client):
    bidi = make_member("bidi")
    notification = notice(bidi)
    client = jwt_client(bidi.user)

    read = client.post(f"{NOTIFICATIONS}{notification.pk}/read/").json()
    assert read["read"] is True and read["read_at"] is not None
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 0}

    unread = client.post(f"{NOTIFICATIONS}{notification.pk}/unread/").json()
    assert unread["read"] is False and unread["read_at"] is None
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 1}


def test_unread_count_counts_my_unread_notices_here_and_of_my_account(make_member, jwt_client):
    bidi = make_member("bidi")
    colleague = make_member("bidi", organization=bidi.organization)
    notice(bidi)
    notice(bidi, organization=None)
    notice(bidi, read_at=timezone.now())
    notice(colleague)

    response = jwt_client(bidi.user).get(f"{NOTIFICATIONS}unread-count/")

    assert response.json() == {"unread": 2}


def test_read_all_marks_only_my_unread_notices_here(make_member, jwt_client):
    bidi = make_member("bidi")
    colleague = make_member("bidi", organization=bidi.organization)
    mine = [notice(bidi), notice(bidi, organization=None)]
    theirs = notice(colleague)

    response = jwt_client(bidi.user).post(f"{NOTIFICATIONS}read-all/", {}, format="json")

    assert response.json() == {"marked": 2}
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_of_one_type_leaves_the_others_unread(make_member, jwt_client):
    bidi = make_member("bidi")
    mention = notice(bidi, type=MENTION.key)
    won = notice(bidi, type=WON.key)

    response = jwt_client(bidi.user).post(
        f"{NOTIFICATIONS}read-all/", {"type": MENTION.key}, format="json"
    )

    assert response.json() == {"marked": 1}
    assert Notification.objects.get(pk=mention.pk).read_at is not None
    assert Notification.objects.get(pk=won.pk).read_at is None


def test_read_all_of_an_unknown_type_is_a_field_error(make_member, jwt_client):
    bidi = make_member("bidi")
    notification = notice(bidi)

    response = jwt_client(bidi.user).post(
        f"{NOTIFICATIONS}read-all/", {"type": "nope.never"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["type"]
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_viewers_read_their_own_notices(make_member, jwt_client):
    viewer = make_member("viewer")
    notification = notice(viewer)

    assert listed(jwt_client(viewer.user).get(NOTIFICATIONS)) == [notification.pk]


def test_api_keys_cannot_read_anyones_notices(make_member, api_key_client):
    owner = make_member("owner")
    notification = notice(owner)  # the key's creator: a key must not act as them
    client = api_key_client(owner, scopes=("read", "write"))

    assert client.get(NOTIFICATIONS).status_code == 403
    assert client.get(f"{NOTIFICATIONS}unread-count/").status_code == 403
    assert client.post(f"{NOTIFICATIONS}read-all/", {}, format="json").status_code == 403
    assert client.post(f"{NOTIFICATIONS}{notification.pk}/read/").status_code == 403
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_signed_out_clients_are_refused(db):
    assert APIClient().get(NOTIFICATIONS).status_code == 401


def test_notification_types_list_the_registry(make_member, jwt_client):
    viewer = make_member("viewer")

    rows = {
        row["key"]: row for row in jwt_client(viewer.user).get("/api/v1/notification-types/").json()
    }

    assert rows[WON.key] == {
        "key": WON.key,
        "label": "A deal I own is won",
        "group": "Pipeline",
        "description": "When a deal you own moves to a won stage.",
        "default_channels": ["in_app", "email"],
        "urgent": False,
        "mandatory": False,
    }
    assert rows[MENTION.key]["default_channels"] == ["in_app"]
