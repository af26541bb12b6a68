from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership
from accounts.permissions import Role
from accounts.tenancy import ACTIVE_ORG_SESSION_KEY
from accounts.tests.factories import UserFactory


@pytest.fixture
def issued(make_member):
    admin = make_member("admin", full_name="Ann Admin")
    return services.invitation_create(
        organization=admin.organization, email="joiner@example.com", role="viewer", actor=admin.user
    )


def test_anonymous_visitor_sees_the_invitation_with_sign_up_and_log_in(issued, client):
    response = client.get(issued.path)

    html = response.content.decode()
    assert response.status_code == 200
    assert issued.invitation.organization.name in html
    assert "Ann Admin" in html
    assert "Viewer" in html
    assert f"/accounts/signup/?next={issued.path}" in html
    assert f"/accounts/login/?next={issued.path}" in html
    assert client.session["pending_invitation"] == issued.token


def test_after_sign_up_onboarding_brings_the_invitee_back(issued, client):
    client.get(issued.path)
    client.force_login(UserFactory(email="joiner@example.com"))

    response = client.get("/onboarding/")

    assert response.status_code == 302
    assert response["Location"] == issued.path


def test_invitee_accepts_and_lands_in_the_organization(issued, client, make_member):
    user = make_member("owner", email="joiner@example.com").user
    client.force_login(user)
    client.get(issued.path)

    response = client.post(issued.path, {"decision": "accept"}, follow=True)

    organization = issued.invitation.organization
    assert Membership.objects.get(organization=organization, user=user).role == Role.VIEWER
    assert client.session[ACTIVE_ORG_SESSION_KEY] == organization.pk
    assert "pending_invitation" not in client.session
    assert f"Welcome to {organization.name}!" in response.content.decode()


def test_the_link_works_only_once(issued, client):
    client.force_login(UserFactory(email="joiner@example.com"))
    client.post(issued.path, {"decision": "accept"})

    response = client.get(issued.path)

    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_link_says_so(issued, client):
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(UserFactory(email="joiner@example.com"))

    response = client.post(issued.path, {"decision": "accept"})

    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not Membership.objects.filter(user__email="joiner@example.com").exists()


def test_a_revoked_link_says_so(issued, client):
    Invitation.objects.filter(pk=issued.invitation.pk).update(revoked_at=timezone.now())

    response = client.get(issued.path)

    assert response.status_code == 410
    assert "This invitation was revoked" in response.content.decode()
    assert "pending_invitation" not in client.session


def test_an_unknown_link_says_so(client, db):
    response = client.get("/invitations/not-a-real-token/")

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_someone_signed_in_with_another_email_cannot_accept(issued, client):
    client.force_login(UserFactory(email="intruder@example.com"))

    page = client.get(issued.path)
    attempt = client.post(issued.path, {"decision": "accept"})

    assert page.status_code == attempt.status_code == 403
    assert "joiner@example.com" in page.content.decode()
    assert "intruder@example.com" in page.content.decode()
    assert not Membership.objects.filter(
        organization=issued.invitation.organization, user__email="intruder@example.com"
    ).exists()


def test_declining_forgets_the_invitation(issued, client):
    client.get(issued.path)
    client.force_login(UserFactory(email="joiner@example.com"))

    response = client.post(issued.path, {"decision": "decline"})

    assert response.status_code == 302
    assert "pending_invitation" not in client.session
    assert not Membership.objects.filter(user__email="joiner@example.com").exists()
    assert issued.invitation.status == "pending"
