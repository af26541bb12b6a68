"""An organization that requires MFA holds members without it at the Security page."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, enable_mfa, totp_code

SECURITY_URL = reverse("settings_security")


@pytest.fixture
def strict_member(client, make_member):
    member = make_member("bidi")
    member.organization.require_mfa = True
    member.organization.save()
    client.force_login(member.user)
    return member


def test_owner_enabling_the_requirement_sends_members_without_mfa_to_security(client, make_member):
    owner = make_member("owner")
    member = make_member("bidi", organization=owner.organization)
    owner_client = type(client)()
    owner_client.force_login(owner.user)
    owner_client.post(reverse("settings_organization_security"), {"require_mfa": "on"})
    client.force_login(member.user)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == f"{SECURITY_URL}?required=1"


def test_member_without_mfa_cannot_use_other_pages(client, strict_member):
    for url in ("/", reverse("settings_profile"), reverse("settings_members")):
        response = client.get(url)
        assert response.url == f"{SECURITY_URL}?required=1", url


def test_security_page_shows_the_requirement_banner(client, strict_member):
    response = client.get(f"{SECURITY_URL}?required=1")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{strict_member.organization.name} requires two-factor authentication" in html
    assert reverse("settings_mfa_setup") in html


def test_member_may_still_sign_out_and_change_password(client, strict_member):
    assert client.get(reverse("account_change_password")).status_code == 200

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_member_continues_after_enrolling(client, strict_member):
    client.post(reverse("settings_mfa_setup"))
    device = TOTPDevice.objects.get(user=strict_member.user, confirmed=False)
    client.post(reverse("settings_mfa_enrol"), {"token": totp_code(device)})

    response = client.get("/")

    assert response.status_code == 200


def test_organizations_without_the_requirement_do_not_redirect(client, make_member):
    member = make_member("bidi")
    client.force_login(member.user)

    assert client.get("/").status_code == 200


def test_api_refuses_organization_data_to_a_member_without_mfa(strict_member):
    api = APIClient()
    pair = api.post(
        reverse("api_token_obtain"),
        {"email": strict_member.user.email, "password": PASSWORD},
        format="json",
    ).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    response = api.get("/api/v1/members/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_enrollment_required"
    assert api.get("/api/v1/me/").json()["mfa_enabled"] is False


def test_api_serves_the_member_once_enrolled(client, strict_member):
    device, _ = enable_mfa(strict_member.user)
    api = APIClient()
    pair = api.post(
        reverse("api_token_obtain"),
        {"email": strict_member.user.email, "password": PASSWORD, "otp": totp_code(device)},
        format="json",
    ).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    assert api.get("/api/v1/members/").status_code == 200
