from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership
from accounts.tests.factories import InvitationFactory, MembershipFactory, UserFactory

INVITATIONS = "/api/v1/invitations/"
ACCEPT = "/api/v1/invitations/accept/"


def invite(member, email: str = "new@example.com", role: str = "bidi"):
    return services.invitation_create(
        organization=member.organization, email=email, role=role, actor=member.user
    )


def test_admin_invites_someone_and_gets_the_link_once(
    make_member, jwt_client, django_capture_on_commit_callbacks, mailoutbox
):
    admin = make_member("admin")
    client = jwt_client(admin.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITATIONS, {"email": "New@Example.com", "role": "viewer"})

    body = response.json()
    assert response.status_code == 201
    assert (body["email"], body["role"], body["status"]) == ("new@example.com", "viewer", "pending")
    assert body["accept_url"] in mailoutbox[0].body
    assert "accept_url" not in client.get(INVITATIONS).json()["results"][0]


def test_missing_email_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).post(INVITATIONS, {"role": "bidi"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["email"]


def test_unknown_role_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).post(INVITATIONS, {"email": "a@example.com", "role": "boss"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["role"]


def test_nobody_is_invited_as_owner(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).post(INVITATIONS, {"email": "a@example.com", "role": "owner"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["role"]


def test_inviting_a_member_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)

    response = jwt_client(admin.user).post(INVITATIONS, {"email": bidi.user.email, "role": "bidi"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"email": ["Already a member."]}


def test_bidi_cannot_invite(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(INVITATIONS, {"email": "a@example.com", "role": "bidi"})

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "invitation.manage"


def test_viewer_cannot_see_invitations(make_member, jwt_client):
    viewer = make_member("viewer")

    response = jwt_client(viewer.user).get(INVITATIONS)

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "invitation.view"


def test_api_key_cannot_invite(make_member, api_key_client):
    owner = make_member("owner")
    client = api_key_client(owner, scopes=("read", "write"))

    response = client.post(INVITATIONS, {"email": "a@example.com", "role": "bidi"})

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "invitation.manage"


def test_listing_invitations_takes_the_same_queries_however_many_there_are(
    make_member, jwt_client, django_assert_max_num_queries
):
    admin = make_member("admin")
    InvitationFactory.create_batch(30, organization=admin.organization, invited_by=admin.user)
    client = jwt_client(admin.user)

    with django_assert_max_num_queries(3):
        response = client.get(INVITATIONS)

    assert len(response.json()["results"]) == 30


def test_invitations_of_other_organizations_are_not_listed(make_member, jwt_client):
    admin = make_member("admin")
    invite(make_member("owner"))

    assert jwt_client(admin.user).get(INVITATIONS).json()["results"] == []


def test_revoked_invitation_stays_listed_as_revoked(make_member, jwt_client):
    admin = make_member("admin")
    invitation = invite(admin).invitation
    client = jwt_client(admin.user)

    response = client.delete(f"{INVITATIONS}{invitation.pk}/")

    assert response.status_code == 204
    assert [i["status"] for i in client.get(INVITATIONS).json()["results"]] == ["revoked"]


def test_revoking_another_organizations_invitation_is_404(make_member, jwt_client):
    admin = make_member("admin")
    invitation = invite(make_member("owner")).invitation

    response = jwt_client(admin.user).delete(f"{INVITATIONS}{invitation.pk}/")

    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_invited_person_accepts_and_becomes_a_member(make_member, jwt_client):
    admin = make_member("admin")
    invitee = UserFactory(email="new@example.com")
    issued = invite(admin, role="viewer")

    response = jwt_client(invitee).post(ACCEPT, {"token": issued.token})

    assert response.status_code == 200
    assert response.json()["organization"]["id"] == admin.organization.pk
    assert response.json()["role"] == "viewer"
    assert Membership.objects.get(user=invitee, organization=admin.organization).role == "viewer"


def test_accepting_needs_no_current_organization(make_member, jwt_client):
    admin = make_member("admin")
    invitee = UserFactory(email="new@example.com")
    MembershipFactory.create_batch(2, user=invitee)
    issued = invite(admin)

    response = jwt_client(invitee).post(ACCEPT, {"token": issued.token})

    assert response.status_code == 200


def test_missing_token_is_a_field_error(db, jwt_client):
    response = jwt_client(UserFactory()).post(ACCEPT, {})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["token"]


def test_unknown_token_is_404(db, jwt_client):
    response = jwt_client(UserFactory()).post(ACCEPT, {"token": "nope"})

    assert response.status_code == 404


def test_invitation_for_another_address_is_refused(make_member, jwt_client):
    admin = make_member("admin")
    issued = invite(admin)

    response = jwt_client(UserFactory(email="else@example.com")).post(
        ACCEPT, {"token": issued.token}
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="else@example.com").exists()


def test_used_invitation_cannot_be_accepted_again(make_member, jwt_client):
    admin = make_member("admin")
    invitee = UserFactory(email="new@example.com")
    issued = invite(admin)
    services.invitation_accept(token=issued.token, user=invitee)

    response = jwt_client(invitee).post(ACCEPT, {"token": issued.token})

    assert response.status_code == 409


def test_expired_invitation_cannot_be_accepted(make_member, jwt_client):
    admin = make_member("admin")
    invitee = UserFactory(email="new@example.com")
    issued = invite(admin)
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now())

    response = jwt_client(invitee).post(ACCEPT, {"token": issued.token})

    assert response.status_code == 409
    assert "expired" in response.json()["error"]["message"]


def test_api_key_cannot_accept_invitations(make_member, api_key_client):
    owner = make_member("owner")
    issued = invite(make_member("admin"), email=owner.user.email)

    response = api_key_client(owner).post(ACCEPT, {"token": issued.token})

    assert response.status_code == 403
    assert not Membership.objects.filter(
        user=owner.user, organization=issued.invitation.organization
    ).exists()
