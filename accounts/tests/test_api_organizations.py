from accounts.models import Membership, Organization
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

ORGANIZATIONS = "/api/v1/organizations/"


def org_url(organization: Organization, suffix: str = "") -> str:
    return f"{ORGANIZATIONS}{organization.pk}/{suffix}"


def role_of(user, organization: Organization) -> str:
    return Membership.objects.get(user=user, organization=organization).role


def test_callers_organizations_are_listed_with_their_role(make_member, jwt_client):
    member = make_member("bidi", organization=OrganizationFactory(name="Beta"))
    MembershipFactory(
        user=member.user, organization=OrganizationFactory(name="Alpha"), role="owner"
    )
    OrganizationFactory(name="Not mine")

    response = jwt_client(member.user).get(ORGANIZATIONS)

    assert response.status_code == 200
    assert [(o["name"], o["role"]) for o in response.json()["results"]] == [
        ("Alpha", "owner"),
        ("Beta", "bidi"),
    ]


def test_listing_organizations_takes_the_same_queries_however_many_there_are(
    db, jwt_client, django_assert_max_num_queries
):
    user = UserFactory()
    MembershipFactory.create_batch(20, user=user)
    client = jwt_client(user)

    with django_assert_max_num_queries(2):
        response = client.get(ORGANIZATIONS)

    assert len(response.json()["results"]) == 20


def test_user_creates_an_organization_and_owns_it(db, jwt_client):
    user = UserFactory()

    response = jwt_client(user).post(ORGANIZATIONS, {"name": "Acme Ventures"})

    body = response.json()
    assert response.status_code == 201
    assert (body["name"], body["slug"], body["role"]) == ("Acme Ventures", "acme-ventures", "owner")
    assert role_of(user, Organization.objects.get(pk=body["id"])) == "owner"


def test_organization_needs_a_name(db, jwt_client):
    response = jwt_client(UserFactory()).post(ORGANIZATIONS, {"name": "   "})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_member_sees_their_organization(make_member, jwt_client):
    viewer = make_member("viewer")

    response = jwt_client(viewer.user).get(org_url(viewer.organization))

    assert response.status_code == 200
    assert response.json()["role"] == "viewer"


def test_organization_the_caller_is_not_in_is_404(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).get(org_url(OrganizationFactory()))

    assert response.status_code == 404


def test_admin_renames_the_organization_and_requires_mfa(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).patch(
        org_url(admin.organization), {"name": "Renamed", "require_mfa": True}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["require_mfa"]) == ("Renamed", True)
    admin.organization.refresh_from_db()
    assert (admin.organization.name, admin.organization.require_mfa) == ("Renamed", True)


def test_blank_name_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).patch(
        org_url(admin.organization), {"name": ""}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_bidi_cannot_change_the_organization(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).patch(
        org_url(bidi.organization), {"name": "Mine now"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "organization.manage"


def test_changing_an_organization_the_caller_is_not_in_is_404(make_member, jwt_client):
    owner = make_member("owner")
    other = OrganizationFactory(name="Theirs")

    response = jwt_client(owner.user).patch(org_url(other), {"name": "Mine"}, format="json")

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "Theirs"


def test_owner_transfers_ownership_and_stays_as_admin(make_member, jwt_client):
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)

    response = jwt_client(owner.user).post(
        org_url(owner.organization, "transfer-ownership/"), {"user": admin.user.pk}
    )

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert role_of(admin.user, owner.organization) == "owner"
    assert role_of(owner.user, owner.organization) == "admin"


def test_ownership_goes_only_to_a_member(make_member, jwt_client):
    owner = make_member("owner")
    outsider = make_member("owner")

    response = jwt_client(owner.user).post(
        org_url(owner.organization, "transfer-ownership/"), {"user": outsider.user.pk}
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"user": ["Not a member."]}


def test_admin_cannot_transfer_ownership(make_member, jwt_client):
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)

    response = jwt_client(admin.user).post(
        org_url(owner.organization, "transfer-ownership/"), {"user": admin.user.pk}
    )

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "organization.transfer"
    assert role_of(owner.user, owner.organization) == "owner"


def test_api_key_sees_only_its_own_organization(make_member, api_key_client):
    owner = make_member("owner")
    MembershipFactory(user=owner.user, role="owner")

    response = api_key_client(owner).get(ORGANIZATIONS)

    assert [(o["id"], o["role"]) for o in response.json()["results"]] == [
        (owner.organization.pk, "viewer")
    ]


def test_api_key_cannot_reach_its_creators_other_organizations(make_member, api_key_client):
    owner = make_member("owner")
    elsewhere = MembershipFactory(user=owner.user, role="owner").organization

    response = api_key_client(owner).get(org_url(elsewhere))

    assert response.status_code == 404


def test_api_key_cannot_create_organizations(make_member, api_key_client):
    owner = make_member("owner")

    response = api_key_client(owner, scopes=("read", "write")).post(
        ORGANIZATIONS, {"name": "Spawned"}
    )

    assert response.status_code == 403
    assert not Organization.objects.filter(name="Spawned").exists()


def test_write_api_key_cannot_change_organization_settings(make_member, api_key_client):
    owner = make_member("owner")

    response = api_key_client(owner, scopes=("read", "write")).patch(
        org_url(owner.organization), {"require_mfa": True}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "organization.manage"
