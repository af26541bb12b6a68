"""JWT authentication reads the user with their memberships in one query, and the organization
lookup picks from those: every check simplejwt makes and every branch of the lookup (header by
id or slug, several organizations, the organization's MFA requirement) must still hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

MEMBERS = "/api/v1/members/"


def _client(token, organization: str | None = None) -> APIClient:
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if organization is not None:
        headers["HTTP_X_ORGANIZATION"] = organization
    client.credentials(**headers)
    return client


def _roles(response) -> list[str]:
    return [m["role"] for m in response.json()["results"]]


def test_a_deactivated_member_is_refused_with_a_token_still_valid(make_member):
    member = make_member("owner")
    token = RefreshToken.for_user(member.user).access_token
    assert _client(token).get(MEMBERS).status_code == 200
    member.user.is_active = False
    member.user.save()

    response = _client(token).get(MEMBERS)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "User is inactive"


def test_a_deactivated_user_without_organization_is_refused(db):
    user = UserFactory(is_active=False)

    response = _client(RefreshToken.for_user(user).access_token).get("/api/v1/me/")

    assert response.status_code == 401


def test_a_deleted_users_token_is_refused(make_member):
    member = make_member("owner")
    token = RefreshToken.for_user(member.user).access_token
    member.user.delete()

    response = _client(token).get(MEMBERS)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "User not found"


def test_a_token_without_user_id_is_refused(make_member):
    member = make_member("owner")
    token = AccessToken.for_user(member.user)
    del token[api_settings.USER_ID_CLAIM]

    response = _client(token).get(MEMBERS)

    assert response.status_code == 401


def test_the_token_names_the_user_not_the_organization(make_member):
    """Two members of one organization: each token acts as its own user."""
    owner = make_member("owner")
    viewer = make_member("viewer", organization=owner.organization)

    response = _client(RefreshToken.for_user(viewer.user).access_token).get("/api/v1/me/")

    assert response.json()["email"] == viewer.user.email


def test_a_password_change_revokes_tokens_when_enabled(make_member, monkeypatch):
    monkeypatch.setattr(api_settings, "CHECK_REVOKE_TOKEN", True)
    member = make_member("owner")
    token = RefreshToken.for_user(member.user).access_token
    assert _client(token).get(MEMBERS).status_code == 200
    member.user.set_password("a new password, much longer")
    member.user.save()

    response = _client(token).get(MEMBERS)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The user's password has been changed."


def test_x_organization_by_id_or_slug_picks_that_organization(make_member):
    member = make_member("owner")
    other = MembershipFactory(user=member.user, role="viewer").organization
    token = RefreshToken.for_user(member.user).access_token

    assert _roles(_client(token, str(other.pk)).get(MEMBERS)) == ["viewer"]
    assert _roles(_client(token, other.slug).get(MEMBERS)) == ["viewer"]
    assert _roles(_client(token, str(member.organization.pk)).get(MEMBERS)) == ["owner"]
    assert _roles(_client(token, member.organization.slug).get(MEMBERS)) == ["owner"]


def test_x_organization_of_someone_elses_organization_is_404(make_member):
    member = make_member("owner")
    MembershipFactory(user=member.user, role="viewer")
    stranger = OrganizationFactory()
    token = RefreshToken.for_user(member.user).access_token

    for header in (str(stranger.pk), stranger.slug, "999999999"):
        response = _client(token, header).get(MEMBERS)
        assert response.status_code == 404, header
        assert response.json()["error"]["code"] == "not_found"


def test_two_organizations_and_no_header_is_400(make_member):
    member = make_member("owner")
    MembershipFactory(user=member.user, role="viewer")

    response = _client(RefreshToken.for_user(member.user).access_token).get(MEMBERS)

    assert response.status_code == 400
    assert "X-Organization" in response.json()["error"]["message"]


def test_a_user_without_organization_is_404_on_org_data_and_served_about_themselves(db):
    user = UserFactory()
    client = _client(RefreshToken.for_user(user).access_token)

    assert client.get(MEMBERS).status_code == 404
    assert client.get("/api/v1/me/").json()["email"] == user.email


@pytest.fixture
def strict_and_relaxed(make_member):
    """A member (no MFA) of an organization that requires MFA and of one that does not."""
    member = make_member("owner", organization=OrganizationFactory(require_mfa=True))
    relaxed = MembershipFactory(user=member.user, role="viewer").organization
    return member, relaxed


def test_an_mfa_requiring_organization_refuses_a_member_without_mfa(strict_and_relaxed):
    member, relaxed = strict_and_relaxed
    token = RefreshToken.for_user(member.user).access_token

    refused = _client(token, str(member.organization.pk)).get(MEMBERS)
    served = _client(token, str(relaxed.pk)).get(MEMBERS)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mfa_enrollment_required"
    assert served.status_code == 200
    assert _roles(served) == ["viewer"]


def test_an_mfa_requiring_organization_serves_an_enrolled_member(strict_and_relaxed):
    member, _ = strict_and_relaxed
    TOTPDevice.objects.create(user=member.user, name="phone", confirmed=True)
    token = RefreshToken.for_user(member.user).access_token

    response = _client(token, member.organization.slug).get(MEMBERS)

    assert response.status_code == 200
    assert _roles(response) == ["owner"]


def test_user_and_organization_are_read_in_one_query(make_member):
    member = make_member("owner")
    MembershipFactory(user=member.user, role="viewer")
    client = _client(RefreshToken.for_user(member.user).access_token, member.organization.slug)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(MEMBERS)

    assert response.status_code == 200
    reads = [q["sql"] for q in queries if '"accounts_user"' in q["sql"].split(" WHERE ")[0]]
    membership_reads = [q["sql"] for q in queries if 'FROM "accounts_membership"' in q["sql"]]
    # The members list itself reads memberships (with users) once more: the lookup adds none.
    assert len(membership_reads) == 2, membership_reads
    assert len(reads) == 2, reads
