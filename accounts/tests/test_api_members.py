from accounts.models import Membership
from accounts.tests.factories import MembershipFactory

MEMBERS = "/api/v1/members/"


def member_url(membership_id: int) -> str:
    return f"{MEMBERS}{membership_id}/"


def membership_of(member) -> Membership:
    return Membership.objects.get(user=member.user, organization=member.organization)


def test_members_are_listed_with_their_roles(make_member, jwt_client):
    owner = make_member("owner")
    viewer = make_member("viewer", organization=owner.organization)

    response = jwt_client(viewer.user).get(MEMBERS)

    assert response.status_code == 200
    assert [(m["user"]["email"], m["role"]) for m in response.json()["results"]] == [
        (owner.user.email, "owner"),
        (viewer.user.email, "viewer"),
    ]


def test_listing_members_takes_the_same_queries_however_many_there_are(
    make_member, jwt_client, django_assert_max_num_queries
):
    owner = make_member("owner")
    MembershipFactory.create_batch(30, organization=owner.organization)
    client = jwt_client(owner.user)

    with django_assert_max_num_queries(3):
        response = client.get(MEMBERS)

    assert len(response.json()["results"]) == 31


def test_member_is_shown_by_id(make_member, jwt_client):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)

    response = jwt_client(owner.user).get(member_url(membership_of(bidi).pk))

    assert response.status_code == 200
    assert response.json()["user"]["email"] == bidi.user.email


def test_member_of_another_organization_is_404(make_member, jwt_client):
    owner = make_member("owner")
    stranger = make_member("bidi")

    response = jwt_client(owner.user).get(member_url(membership_of(stranger).pk))

    assert response.status_code == 404


def test_admin_changes_a_members_role(make_member, jwt_client):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)

    response = jwt_client(admin.user).patch(
        member_url(membership_of(bidi).pk), {"role": "viewer"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert membership_of(bidi).role == "viewer"


def test_unknown_role_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)

    response = jwt_client(admin.user).patch(
        member_url(membership_of(bidi).pk), {"role": "boss"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["role"]


def test_viewer_cannot_change_roles(make_member, jwt_client):
    viewer = make_member("viewer")
    bidi = make_member("bidi", organization=viewer.organization)

    response = jwt_client(viewer.user).patch(
        member_url(membership_of(bidi).pk), {"role": "admin"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "member.manage"
    assert membership_of(bidi).role == "bidi"


def test_owners_role_changes_only_through_transfer(make_member, jwt_client):
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)

    response = jwt_client(admin.user).patch(
        member_url(membership_of(owner).pk), {"role": "viewer"}, format="json"
    )

    assert response.status_code == 403
    assert membership_of(owner).role == "owner"


def test_changing_role_of_another_organizations_member_is_404(make_member, jwt_client):
    admin = make_member("admin")
    stranger = make_member("bidi")

    response = jwt_client(admin.user).patch(
        member_url(membership_of(stranger).pk), {"role": "viewer"}, format="json"
    )

    assert response.status_code == 404
    assert membership_of(stranger).role == "bidi"


def test_admin_removes_a_member(make_member, jwt_client):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)

    response = jwt_client(admin.user).delete(member_url(membership_of(bidi).pk))

    assert response.status_code == 204
    assert not Membership.objects.filter(user=bidi.user).exists()


def test_bidi_cannot_remove_members(make_member, jwt_client):
    bidi = make_member("bidi")
    viewer = make_member("viewer", organization=bidi.organization)

    response = jwt_client(bidi.user).delete(member_url(membership_of(viewer).pk))

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "member.manage"


def test_owner_cannot_be_removed(make_member, jwt_client):
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)

    response = jwt_client(admin.user).delete(member_url(membership_of(owner).pk))

    assert response.status_code == 403
    assert Membership.objects.filter(user=owner.user).exists()


def test_removing_another_organizations_member_is_404(make_member, jwt_client):
    admin = make_member("admin")
    stranger = make_member("bidi")

    response = jwt_client(admin.user).delete(member_url(membership_of(stranger).pk))

    assert response.status_code == 404
    assert Membership.objects.filter(user=stranger.user).exists()


def test_member_leaves_the_organization(make_member, jwt_client):
    owner = make_member("owner")
    viewer = make_member("viewer", organization=owner.organization)

    response = jwt_client(viewer.user).post(f"{MEMBERS}leave/")

    assert response.status_code == 204
    assert not Membership.objects.filter(user=viewer.user).exists()


def test_owner_must_transfer_ownership_before_leaving(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).post(f"{MEMBERS}leave/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert Membership.objects.filter(user=owner.user).exists()


def test_api_key_cannot_make_its_creator_leave(make_member, api_key_client):
    admin = make_member("admin")
    client = api_key_client(admin, scopes=("read", "write"))

    response = client.post(f"{MEMBERS}leave/")

    assert response.status_code == 403
    assert Membership.objects.filter(user=admin.user).exists()


def test_read_api_key_lists_members_but_cannot_change_roles(make_member, api_key_client):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    client = api_key_client(owner)

    listed = client.get(MEMBERS)
    changed = client.patch(member_url(membership_of(bidi).pk), {"role": "viewer"}, format="json")

    assert listed.status_code == 200
    assert changed.status_code == 403
    assert changed.json()["error"]["permission"] == "member.manage"
