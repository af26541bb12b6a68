"""Settings → Notifications (a member's own channels, quiet hours, digest, Telegram link) and
Settings → Notification defaults (the organization's, for owners and admins)."""

from __future__ import annotations

import re
from datetime import time

import pytest
from allauth.socialaccount.models import SocialAccount

from messaging.tests.factories import TelegramBotFactory
from notifications import registry
from notifications.models import OrgDefault, Preference, UserSettings
from notifications.registry import EMAIL, IN_APP, TELEGRAM, register_type
from notifications.tests.engine_types import test_type
from notifications.tests.factories import OrgDefaultFactory, PreferenceFactory

pytestmark = pytest.mark.django_db

URL = "/settings/notifications/"
DEFAULTS_URL = "/settings/notification-defaults/"


@pytest.fixture(autouse=True)
def types(monkeypatch):
    """Only the test types: the page shows exactly these rows."""
    monkeypatch.setattr(registry, "_types", {})
    register_type(
        test_type(
            key="test.won",
            label="A test deal was won",
            group="Pipeline",
            description="Deals you own.",
            default_channels=frozenset({IN_APP}),
        )
    )
    register_type(
        test_type(
            key="test.login",
            label="A new sign-in to my account",
            group="Security",
            default_channels=frozenset({IN_APP, EMAIL}),
            urgent=True,
            mandatory=True,
        )
    )


def matrix(**checked: bool) -> dict[str, str]:
    """The POST of the matrix: ``test_won__email=True`` → field "test-won--email" checked."""
    data = {"section": "preferences"}
    for name, on in checked.items():
        key, channel = name.split("__")
        if on:
            data[f"{key.replace('_', '-')}--{channel}"] = "on"
    return data


def box(html: str, name: str) -> set[str]:
    """The bare attributes (checked, disabled) of the matrix checkbox ``name``."""
    tag = re.search(rf'<input type="checkbox" name="{re.escape(name)}"[^>]*>', html)
    assert tag is not None, f"no checkbox {name}"
    return set(re.findall(r"\s(checked|disabled)(?=[\s>])", tag.group(0)))


def test_the_matrix_groups_types_and_checks_the_resolved_channels(make_member, client):
    me = make_member("bidi")
    OrgDefaultFactory(organization=me.organization, type="test.won", channel=TELEGRAM)
    client.force_login(me.user)

    html = client.get(URL).content.decode()

    assert '<th scope="col" class="notice-matrix-type">Pipeline</th>' in html
    assert "A test deal was won" in html
    assert "Deals you own." in html
    assert 'aria-label="Telegram: A test deal was won"' in html
    assert box(html, "test-won--telegram") == {"checked"}
    assert box(html, "test-won--in_app") == {"checked"}
    assert box(html, "test-won--email") == set()


def test_security_boxes_show_checked_and_cannot_be_changed(make_member, client):
    me = make_member("bidi")
    client.force_login(me.user)

    html = client.get(URL).content.decode()

    assert box(html, "test-login--email") == {"checked", "disabled"}
    assert box(html, "test-login--in_app") == {"checked", "disabled"}
    assert box(html, "test-login--telegram") == set()


def test_saving_stores_every_shown_choice_as_my_own(make_member, client):
    me = make_member("bidi")
    client.force_login(me.user)

    response = client.post(URL, matrix(test_won__email=True, test_login__telegram=True))

    assert response.status_code == 302
    own = {(p.type, p.channel): p.enabled for p in Preference.objects.filter(user=me.user)}
    assert own == {
        ("test.won", IN_APP): False,
        ("test.won", EMAIL): True,
        ("test.won", TELEGRAM): False,
        ("test.login", IN_APP): True,
        ("test.login", EMAIL): True,
        ("test.login", TELEGRAM): True,
    }


def test_a_posted_security_box_cannot_turn_security_email_off(make_member, client):
    me = make_member("bidi")
    client.force_login(me.user)

    client.post(URL, matrix(test_won__in_app=True))

    assert Preference.objects.get(user=me.user, type="test.login", channel=EMAIL).enabled


def test_reset_drops_my_choices_so_the_organization_defaults_apply(make_member, client):
    me = make_member("bidi")
    PreferenceFactory(user=me.user, type="test.won", channel=EMAIL, enabled=True)
    client.force_login(me.user)

    response = client.post(URL, {"section": "reset"}, follow=True)

    assert not Preference.objects.filter(user=me.user).exists()
    assert "organization&#x27;s defaults apply" in response.content.decode()


def test_quiet_hours_and_digest_are_saved(make_member, client):
    me = make_member("bidi")
    client.force_login(me.user)

    client.post(
        URL, {"section": "quiet", "quiet_start": "22:00", "quiet_end": "07:30", "digest": "daily"}
    )

    saved = UserSettings.objects.get(user=me.user)
    assert (saved.quiet_start, saved.quiet_end, saved.digest) == (time(22), time(7, 30), "daily")


def test_quiet_hours_without_an_end_show_the_error_next_to_the_end_field(make_member, client):
    me = make_member("bidi")
    client.force_login(me.user)

    response = client.post(
        URL, {"section": "quiet", "quiet_start": "22:00", "quiet_end": "", "digest": "off"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    error_at = html.index('id="id_quiet_end_error"')
    assert "Set both the start and the end of quiet hours" in html[error_at : error_at + 400]
    assert not UserSettings.objects.filter(user=me.user).exists()


def test_the_page_shows_my_time_zone_with_a_link_to_change_it(make_member, client):
    me = make_member("bidi", time_zone="Europe/Berlin")
    client.force_login(me.user)

    html = client.get(URL).content.decode()

    assert "In your time zone, Europe/Berlin." in html
    assert 'href="/settings/profile/">Change it in your profile' in html


def test_link_telegram_shows_the_deep_link_and_the_code(make_member, client):
    me = make_member("bidi")
    TelegramBotFactory(organization=me.organization, username="acme_bot", name="Acme")
    client.force_login(me.user)

    html = client.post("/settings/notifications/telegram/link/").content.decode()

    assert 'href="https://t.me/acme_bot?start=link_' in html
    assert "Open in Telegram" in html
    assert '<code class="notice-code">/start link_' in html


def test_link_telegram_without_a_bot_explains_why(make_member, client):
    me = make_member("bidi")
    client.force_login(me.user)

    response = client.post("/settings/notifications/telegram/link/", follow=True)

    assert "has no connected Telegram bot yet" in response.content.decode()


def test_unlink_removes_my_telegram_account(make_member, client):
    me = make_member("bidi")
    SocialAccount.objects.create(user=me.user, provider="telegram", uid="4242")
    client.force_login(me.user)

    client.post("/settings/notifications/telegram/unlink/")

    assert not SocialAccount.objects.filter(user=me.user).exists()


def test_a_viewer_cannot_open_the_notification_defaults(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert client.get(DEFAULTS_URL).status_code == 403


def test_an_admin_saves_the_organization_defaults(make_member, client):
    admin = make_member("admin")
    client.force_login(admin.user)

    response = client.post(DEFAULTS_URL, {"test-won--email": "on", "test-won--in_app": "on"})

    assert response.status_code == 302
    saved = {
        (d.type, d.channel): d.enabled
        for d in OrgDefault.objects.filter(organization=admin.organization)
    }
    assert saved == {
        ("test.won", IN_APP): True,
        ("test.won", EMAIL): True,
        ("test.won", TELEGRAM): False,
    }


def test_the_defaults_page_shows_the_saved_defaults(make_member, client):
    admin = make_member("owner")
    OrgDefaultFactory(organization=admin.organization, type="test.won", channel=EMAIL)
    client.force_login(admin.user)

    html = client.get(DEFAULTS_URL).content.decode()

    assert box(html, "test-won--email") == {"checked"}
    assert box(html, "test-login--telegram") == {"disabled"}
