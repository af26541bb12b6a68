"""The notification center, the bell's menu and its badge: a member sees and reads their own
notices of the organization they work in."""

from __future__ import annotations

import pytest

from accounts.tests.factories import MembershipFactory, UserFactory
from notifications import registry
from notifications.models import Notification
from notifications.registry import IN_APP, Content, NotificationType, register_type
from notifications.services import notify

pytestmark = pytest.mark.django_db

URL = "/notifications/"


@pytest.fixture(autouse=True)
def types(monkeypatch):
    """Two test types (the real ones are registered by the domain apps)."""
    monkeypatch.setattr(registry, "_types", dict(registry._types))
    for key, label, group in (
        ("test.ping", "Someone pinged me", "Inbox"),
        ("test.won", "A test deal was won", "Pipeline"),
    ):
        register_type(
            NotificationType(
                key=key,
                label=label,
                group=group,
                events=(),
                recipients=None,
                render=None,
                default_channels=frozenset({IN_APP}),
            )
        )


def tell(member, title: str, *, type_key: str = "test.ping", url: str = "", organization=None):
    return notify(
        user=member.user,
        type_key=type_key,
        content=Content(title=title, body=f"{title} body", url=url),
        source=title,
        organization=organization or member.organization,
    )


def test_the_center_lists_my_notices_but_not_a_teammates_nor_another_organizations(
    make_member, client
):
    me = make_member("bidi")
    teammate = make_member("bidi", organization=me.organization)
    elsewhere = make_member("owner")
    MembershipFactory(organization=elsewhere.organization, user=me.user, role="bidi")
    tell(me, "Mine here")
    tell(teammate, "Teammate's notice")
    tell(me, "Mine in the other organization", organization=elsewhere.organization)
    client.force_login(me.user)

    html = client.get(URL).content.decode()

    assert "Mine here" in html
    assert "Teammate&#x27;s notice" not in html
    assert "Mine in the other organization" not in html


def test_unread_notices_are_highlighted(make_member, client):
    me = make_member("bidi")
    unread = tell(me, "Fresh news")
    client.force_login(me.user)

    html = client.get(URL).content.decode()

    assert f'class="notice is-unread" data-notification-id="{unread.pk}"' in html


def test_the_unread_tab_hides_read_notices(make_member, client):
    me = make_member("bidi")
    tell(me, "Still unread")
    read = tell(me, "Already read")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client.force_login(me.user)

    html = client.get(URL, {"unread": "1"}).content.decode()

    assert "Still unread" in html
    assert "Already read" not in html


def test_the_type_filter_shows_only_that_type(make_member, client):
    me = make_member("bidi")
    tell(me, "A ping")
    tell(me, "A win", type_key="test.won")
    client.force_login(me.user)

    html = client.get(URL, {"type": "test.won"}).content.decode()

    assert "A win" in html
    assert "A ping" not in html
    assert '<option value="test.won" selected>A test deal was won</option>' in html


def test_an_empty_center_says_so(make_member, client):
    me = make_member("viewer")
    client.force_login(me.user)

    assert "No notifications yet" in client.get(URL).content.decode()


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(make_member, client):
    me = make_member("bidi")
    notice = tell(me, "Chat assigned", url="/inbox/?chat=5")
    client.force_login(me.user)

    response = client.post(f"/notifications/{notice.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/inbox/?chat=5"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_a_notice_without_a_link_goes_back_to_the_center(make_member, client):
    me = make_member("bidi")
    notice = tell(me, "Just so you know")
    client.force_login(me.user)

    response = client.post(f"/notifications/{notice.pk}/open/")

    assert response["Location"] == URL


def test_opening_a_notice_never_leaves_the_app(make_member, client):
    me = make_member("bidi")
    notice = tell(me, "Suspicious", url="https://evil.example/phish")
    client.force_login(me.user)

    response = client.post(f"/notifications/{notice.pk}/open/")

    assert response["Location"] == URL


def test_a_member_cannot_open_a_teammates_notice(make_member, client):
    me = make_member("bidi")
    teammate = make_member("bidi", organization=me.organization)
    notice = tell(teammate, "Not for me", url="/inbox/")
    client.force_login(me.user)

    response = client.post(f"/notifications/{notice.pk}/open/")

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_marks_only_the_filtered_type(make_member, client):
    me = make_member("bidi")
    ping = tell(me, "A ping")
    won = tell(me, "A win", type_key="test.won")
    client.force_login(me.user)

    response = client.post("/notifications/read-all/", {"type": "test.won"})

    assert response["Location"] == "/notifications/?type=test.won"
    ping.refresh_from_db()
    won.refresh_from_db()
    assert won.read_at is not None
    assert ping.read_at is None


def test_mark_all_read_without_a_filter_marks_everything(make_member, client):
    me = make_member("bidi")
    tell(me, "A ping")
    tell(me, "A win", type_key="test.won")
    client.force_login(me.user)

    client.post("/notifications/read-all/")

    assert not Notification.objects.filter(user=me.user, read_at__isnull=True).exists()


def test_the_bell_shows_my_unread_count_in_the_top_bar(make_member, client):
    me = make_member("bidi")
    tell(me, "One")
    tell(me, "Two")
    tell(make_member("bidi", organization=me.organization), "Someone else's")
    client.force_login(me.user)

    html = client.get("/").content.decode()

    assert 'aria-label="Notifications, 2 unread"' in html
    assert "data-notification-badge>2</span>" in html
    assert f'data-organization="{me.organization.pk}"' in html


def test_a_user_without_an_organization_gets_no_bell(client):
    user = UserFactory()
    client.force_login(user)

    html = client.get("/settings/profile/").content.decode()

    assert "data-notification-bell" not in html


def test_the_menu_lists_the_latest_eight_notices(make_member, client):
    me = make_member("bidi")
    for n in range(10):
        tell(me, f"Notice number {n}")
    client.force_login(me.user)

    html = client.get("/notifications/dropdown/").content.decode()

    assert "Notice number 9" in html
    assert "Notice number 2" in html
    assert "Notice number 1<" not in html
    assert "10 unread" in html


def test_the_bell_reloads_its_count_as_json(make_member, client):
    me = make_member("bidi")
    tell(me, "One")
    client.force_login(me.user)

    assert client.get("/notifications/dropdown/", {"count": "1"}).json() == {"unread": 1}


def test_mark_all_read_from_the_menu_answers_with_the_fresh_menu(make_member, client):
    me = make_member("bidi")
    tell(me, "One")
    client.force_login(me.user)

    response = client.post("/notifications/read-all/", {"from": "dropdown"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-unread-count="0"' in response.content.decode()


def test_the_center_renders_in_a_bounded_number_of_queries(
    make_member, client, django_assert_max_num_queries
):
    me = make_member("bidi")
    for n in range(25):
        actor = UserFactory()
        notify(
            user=me.user,
            type_key="test.ping",
            content=Content(title=f"From {n}"),
            source=str(n),
            organization=me.organization,
            actor=actor,
        )
    client.force_login(me.user)

    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
