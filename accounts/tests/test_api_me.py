from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.tests.factories import MembershipFactory, OrganizationFactory

ME = "/api/v1/me/"


def test_me_shows_the_profile_and_organizations_with_roles(make_member, jwt_client):
    member = make_member("bidi", organization=OrganizationFactory(name="Beta"), full_name="Ann Lee")
    alpha = MembershipFactory(user=member.user, organization=OrganizationFactory(name="Alpha"))

    response = jwt_client(member.user).get(ME)

    body = response.json()
    assert response.status_code == 200
    assert (body["email"], body["full_name"], body["time_zone"]) == (
        member.user.email,
        "Ann Lee",
        "UTC",
    )
    assert body["mfa_enabled"] is False
    assert [(o["id"], o["role"]) for o in body["organizations"]] == [
        (alpha.organization.pk, "bidi"),
        (member.organization.pk, "bidi"),
    ]


def test_me_says_when_mfa_is_enabled(make_member, jwt_client):
    member = make_member("owner")
    TOTPDevice.objects.create(user=member.user, name="phone", confirmed=True)

    assert jwt_client(member.user).get(ME).json()["mfa_enabled"] is True


def test_user_updates_name_and_time_zone(make_member, jwt_client):
    member = make_member("viewer")

    response = jwt_client(member.user).patch(
        ME, {"full_name": "Ann Lee", "time_zone": "Europe/Berlin"}, format="json"
    )

    assert response.status_code == 200
    member.user.refresh_from_db()
    assert (member.user.full_name, member.user.time_zone) == ("Ann Lee", "Europe/Berlin")


def test_unknown_time_zone_is_a_field_error(make_member, jwt_client):
    member = make_member("viewer")

    response = jwt_client(member.user).patch(ME, {"time_zone": "Mars/Olympus"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["time_zone"]


def test_me_needs_credentials(db):
    assert APIClient().get(ME).status_code == 401


def test_api_key_has_no_me(make_member, api_key_client):
    owner = make_member("owner")

    response = api_key_client(owner, scopes=("read", "write")).patch(
        ME, {"full_name": "Hijacked"}, format="json"
    )

    assert response.status_code == 403
    owner.user.refresh_from_db()
    assert owner.user.full_name != "Hijacked"
