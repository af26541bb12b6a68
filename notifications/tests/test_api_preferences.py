"""Preferences (a person's channels per type, quiet hours, digest) and the organization's
defaults over the API."""

from __future__ import annotations

from datetime import time

import pytest

from accounts.models import AuditEntry
from notifications import registry
from notifications.models import OrgDefault, Preference, UserSettings
from notifications.registry import EMAIL, IN_APP
from notifications.tests.engine_types import test_type
from notifications.tests.factories import (
    OrgDefaultFactory,
    PreferenceFactory,
    UserSettingsFactory,
)

PREFERENCES = "/api/v1/notification-preferences/"
DEFAULTS = "/api/v1/notification-defaults/"
WON = test_type(
    key="apitest.won",
    label="A deal I own is won",
    group="Pipeline",
    default_channels=frozenset({IN_APP, EMAIL}),
)
LOGIN = test_type(
    key="apitest.login",
    label="A new sign-in to my account",
    group="Security",
    default_channels=frozenset({IN_APP, EMAIL}),
    urgent=True,
    mandatory=True,
)
ALL_ON = {"in_app": True, "email": True, "telegram": True}


@pytest.fixture(autouse=True)
def types(monkeypatch):
    """Types of this module's own; the process-wide registry gets its old content back."""
    for notification_type in (WON, LOGIN):
        monkeypatch.setitem(registry._types, notification_type.key, notification_type)


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def test_preferences_show_each_types_own_defaults_without_choices(make_member, jwt_client):
    bidi = make_member("bidi", time_zone="Europe/Berlin")

    data = jwt_client(bidi.user).get(PREFERENCES).json()

    assert data["channels"][WON.key] == {"in_app": True, "email": True, "telegram": False}
    assert data["quiet_hours"] == {"start": None, "end": None}
    assert data["digest"] == "off"
    assert data["time_zone"] == "Europe/Berlin"


def test_preferences_resolve_my_choice_over_the_organizations_default(make_member, jwt_client):
    bidi = make_member("bidi")
    OrgDefaultFactory(organization=bidi.organization, type=WON.key, channel="telegram")
    OrgDefaultFactory(organization=bidi.organization, type=WON.key, channel="email", enabled=False)
    PreferenceFactory(user=bidi.user, type=WON.key, channel="email", enabled=True)
    UserSettingsFactory(
        user=bidi.user, quiet_start=time(22), quiet_end=time(7), digest=UserSettings.Digest.DAILY
    )

    data = jwt_client(bidi.user).get(PREFERENCES).json()

    assert data["channels"][WON.key] == ALL_ON
    assert data["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert data["digest"] == "daily"


def test_put_changes_only_the_pairs_it_carries(make_member, jwt_client):
    bidi = make_member("bidi")
    PreferenceFactory(user=bidi.user, type=LOGIN.key, channel="telegram", enabled=True)
    UserSettingsFactory(user=bidi.user, quiet_start=time(22), quiet_end=time(7))

    response = jwt_client(bidi.user).put(
        PREFERENCES, {"channels": {WON.key: {"email": False, "telegram": True}}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["channels"][WON.key] == {
        "in_app": True,
        "email": False,
        "telegram": True,
    }
    assert response.json()["channels"][LOGIN.key]["telegram"] is True
    assert response.json()["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert set(Preference.objects.filter(user=bidi.user).values_list("type", "channel")) == {
        (WON.key, "email"),
        (WON.key, "telegram"),
        (LOGIN.key, "telegram"),
    }


def test_put_sets_quiet_hours_and_digest(make_member, jwt_client):
    bidi = make_member("bidi")
    client = jwt_client(bidi.user)

    response = client.put(
        PREFERENCES,
        {"quiet_hours": {"start": "21:30", "end": "06:45"}, "digest": "hourly"},
        format="json",
    )

    assert response.status_code == 200
    assert client.get(PREFERENCES).json()["quiet_hours"] == {"start": "21:30", "end": "06:45"}
    settings = UserSettings.objects.get(user=bidi.user)
    assert (settings.quiet_start, settings.quiet_end, settings.digest) == (
        time(21, 30),
        time(6, 45),
        "hourly",
    )


def test_put_without_quiet_hours_keeps_them(make_member, jwt_client):
    bidi = make_member("bidi")
    UserSettingsFactory(user=bidi.user, quiet_start=time(22), quiet_end=time(7))

    response = jwt_client(bidi.user).put(PREFERENCES, {"digest": "daily"}, format="json")

    assert response.json()["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert response.json()["digest"] == "daily"


def test_quiet_hours_can_be_cleared(make_member, jwt_client):
    bidi = make_member("bidi")
    UserSettingsFactory(user=bidi.user, quiet_start=time(22), quiet_end=time(7))

    response = jwt_client(bidi.user).put(
        PREFERENCES, {"quiet_hours": {"start": None, "end": None}}, format="json"
    )

    assert response.json()["quiet_hours"] == {"start": None, "end": None}


def test_unknown_type_and_channel_are_field_errors(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).put(
        PREFERENCES,
        {"channels": {"nope.never": {"email": False}, WON.key: {"sms": True}}},
        format="json",
    )

    fields = field_errors(response)["channels"]
    assert set(fields) == {"nope.never", WON.key}
    assert list(fields[WON.key]) == ["sms"]
    assert not Preference.objects.filter(user=bidi.user).exists()


def test_a_switch_must_be_true_or_false(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).put(
        PREFERENCES, {"channels": {WON.key: {"email": "sometimes"}}}, format="json"
    )

    assert field_errors(response) == {
        "channels": {WON.key: {"email": ["Must be a valid boolean."]}}
    }


def test_bad_digest_and_half_set_quiet_hours_are_field_errors(make_member, jwt_client):
    bidi = make_member("bidi")
    client = jwt_client(bidi.user)

    digest = client.put(PREFERENCES, {"digest": "weekly"}, format="json")
    quiet = client.put(PREFERENCES, {"quiet_hours": {"start": "22:00", "end": None}}, format="json")

    assert list(field_errors(digest)) == ["digest"]
    assert field_errors(quiet) == {
        "quiet_hours": {"end": ["Set both the start and the end of quiet hours, or neither."]}
    }
    assert not UserSettings.objects.filter(user=bidi.user).exists()


def test_a_refused_put_changes_nothing(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).put(
        PREFERENCES,
        {
            "channels": {WON.key: {"email": False}},
            "quiet_hours": {"start": "08:00", "end": "08:00"},
        },
        format="json",
    )

    assert list(field_errors(response)["quiet_hours"]) == ["end"]
    assert not Preference.objects.filter(user=bidi.user).exists()


def test_a_mandatory_types_default_channels_cannot_be_turned_off(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).put(
        PREFERENCES, {"channels": {LOGIN.key: {"email": False}}}, format="json"
    )

    assert list(field_errors(response)["channels"][LOGIN.key]) == ["email"]
    assert not Preference.objects.filter(user=bidi.user).exists()


def test_a_mandatory_type_may_gain_a_channel(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).put(
        PREFERENCES, {"channels": {LOGIN.key: {"telegram": True}}}, format="json"
    )

    assert response.json()["channels"][LOGIN.key] == ALL_ON


def test_reset_drops_my_choices_and_keeps_quiet_hours(make_member, jwt_client):
    bidi = make_member("bidi")
    PreferenceFactory(user=bidi.user, type=WON.key, channel="email", enabled=False)
    UserSettingsFactory(user=bidi.user, quiet_start=time(22), quiet_end=time(7))

    response = jwt_client(bidi.user).post(f"{PREFERENCES}reset/")

    assert response.json()["channels"][WON.key]["email"] is True
    assert response.json()["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert not Preference.objects.filter(user=bidi.user).exists()


def test_api_keys_cannot_read_or_change_anyones_preferences(make_member, api_key_client):
    owner = make_member("owner")
    client = api_key_client(owner, scopes=("read", "write"))

    assert client.get(PREFERENCES).status_code == 403
    put = client.put(PREFERENCES, {"channels": {WON.key: {"email": False}}}, format="json")
    assert put.status_code == 403
    assert client.post(f"{PREFERENCES}reset/").status_code == 403
    assert not Preference.objects.exists()


# --- the organization's defaults ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_only_owners_and_admins_see_or_set_the_defaults(role, make_member, jwt_client):
    member = make_member(role)
    client = jwt_client(member.user)

    assert client.get(DEFAULTS).status_code == 403
    put = client.put(DEFAULTS, {"channels": {WON.key: {"email": False}}}, format="json")
    assert put.status_code == 403
    assert not OrgDefault.objects.exists()


def test_defaults_show_each_types_own_channels_until_set(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get(DEFAULTS)

    assert response.status_code == 200
    assert response.json()["channels"][WON.key] == {
        "in_app": True,
        "email": True,
        "telegram": False,
    }


def test_an_admin_sets_a_default_members_then_get(make_member, jwt_client):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)

    response = jwt_client(admin.user).put(
        DEFAULTS, {"channels": {WON.key: {"email": False, "telegram": True}}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["channels"][WON.key] == {
        "in_app": True,
        "email": False,
        "telegram": True,
    }
    member_view = jwt_client(bidi.user).get(PREFERENCES).json()["channels"][WON.key]
    assert member_view == {"in_app": True, "email": False, "telegram": True}
    assert AuditEntry.objects.filter(
        organization=admin.organization, action="notification.defaults_updated"
    ).exists()


def test_a_members_own_choice_wins_over_a_new_default(make_member, jwt_client):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    PreferenceFactory(user=bidi.user, type=WON.key, channel="email", enabled=True)

    jwt_client(owner.user).put(DEFAULTS, {"channels": {WON.key: {"email": False}}}, format="json")

    assert jwt_client(bidi.user).get(PREFERENCES).json()["channels"][WON.key]["email"] is True


def test_defaults_of_one_organization_do_not_reach_another(make_member, jwt_client):
    owner = make_member("owner")
    other = make_member("owner")

    jwt_client(owner.user).put(DEFAULTS, {"channels": {WON.key: {"email": False}}}, format="json")

    assert jwt_client(other.user).get(DEFAULTS).json()["channels"][WON.key]["email"] is True


@pytest.mark.parametrize("switches", [{"in_app": False}, {"telegram": True}])
def test_a_mandatory_type_has_no_organization_defaults(switches, make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).put(
        DEFAULTS, {"channels": {LOGIN.key: switches}}, format="json"
    )

    assert list(field_errors(response)["channels"][LOGIN.key]) == list(switches)
    assert not OrgDefault.objects.exists()


def test_unknown_default_type_is_a_field_error(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).put(
        DEFAULTS, {"channels": {"nope.never": {"email": True}}}, format="json"
    )

    assert list(field_errors(response)["channels"]) == ["nope.never"]
