"""How the API recognises callers (JWT, API key, session) and picks the organization they act
in, shown on ``/api/v1/members/``, the simplest org-scoped resource."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import services
from accounts.tenancy import ACTIVE_ORG_SESSION_KEY
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

MEMBERS = "/api/v1/members/"


def test_missing_credentials_get_401_in_the_error_shape(db):
    response = APIClient().get(MEMBERS)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"]


def test_invalid_jwt_gets_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = client.get(MEMBERS)

    assert response.status_code == 401
    assert response.json()["error"]["message"]


def test_unknown_api_key_gets_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key bidi_00000000_nothing")

    response = client.get(MEMBERS)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or revoked API key."


def test_revoked_api_key_gets_401(make_member, api_key_client):
    owner = make_member("owner")
    client = api_key_client(owner)
    services.api_key_revoke(api_key=client.api_key, actor=owner.user)

    response = client.get(MEMBERS)

    assert response.status_code == 401


def test_api_key_stops_working_when_its_creator_is_deactivated(make_member, api_key_client):
    owner = make_member("owner")
    client = api_key_client(owner)
    owner.user.is_active = False
    owner.user.save()

    assert client.get(MEMBERS).status_code == 401


def test_session_user_can_use_the_api(make_member):
    member = make_member("viewer")
    client = APIClient()
    client.force_login(member.user)

    response = client.get(MEMBERS)

    assert response.status_code == 200
    assert [m["user"]["email"] for m in response.json()["results"]] == [member.user.email]


def test_session_that_has_not_passed_mfa_gets_401(make_member):
    member = make_member("owner")
    TOTPDevice.objects.create(user=member.user, name="phone", confirmed=True)
    client = APIClient()
    client.force_login(member.user)

    assert client.get(MEMBERS).status_code == 401


def test_user_of_two_organizations_must_send_x_organization(make_member, jwt_client):
    member = make_member("owner")
    MembershipFactory(user=member.user, role="viewer")

    response = jwt_client(member.user).get(MEMBERS)

    assert response.status_code == 400
    assert "X-Organization" in response.json()["error"]["message"]


def test_x_organization_picks_one_of_the_users_organizations(make_member, jwt_client):
    member = make_member("owner")
    other = MembershipFactory(user=member.user, role="viewer").organization

    response = jwt_client(member.user, organization=other).get(MEMBERS)

    assert response.status_code == 200
    assert [m["role"] for m in response.json()["results"]] == ["viewer"]


def test_x_organization_accepts_the_slug(make_member, jwt_client):
    member = make_member("owner")
    MembershipFactory(user=member.user, role="viewer")
    client = jwt_client(member.user)

    response = client.get(MEMBERS, HTTP_X_ORGANIZATION=member.organization.slug)

    assert response.status_code == 200
    assert [m["role"] for m in response.json()["results"]] == ["owner"]


def test_x_organization_the_user_is_not_in_is_404(make_member, jwt_client):
    member = make_member("owner")
    stranger_org = OrganizationFactory()

    response = jwt_client(member.user, organization=stranger_org).get(MEMBERS)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_user_without_organization_gets_404(db, jwt_client):
    response = jwt_client(UserFactory()).get(MEMBERS)

    assert response.status_code == 404


def test_session_active_organization_is_used_without_the_header(make_member):
    member = make_member("owner")
    other = MembershipFactory(user=member.user, role="viewer").organization
    client = APIClient()
    client.force_login(member.user)
    session = client.session
    session[ACTIVE_ORG_SESSION_KEY] = other.pk
    session.save()

    response = client.get(MEMBERS)

    assert [m["role"] for m in response.json()["results"]] == ["viewer"]


def test_api_key_acts_in_its_own_organization_whatever_the_header(make_member, api_key_client):
    owner = make_member("owner")
    elsewhere = MembershipFactory(user=owner.user, role="owner").organization
    client = api_key_client(owner)

    response = client.get(MEMBERS, HTTP_X_ORGANIZATION=str(elsewhere.pk))

    assert response.status_code == 200
    assert [m["user"]["email"] for m in response.json()["results"]] == [owner.user.email]
