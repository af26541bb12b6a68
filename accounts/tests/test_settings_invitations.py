import re

import pytest
from django.conf import settings

from accounts import services
from accounts.models import Invitation
from accounts.permissions import Role

URL = "/settings/members/"
INVITE_URL = "/settings/invitations/"


@pytest.fixture
def admin(make_member, client):
    member = make_member("admin")
    client.force_login(member.user)
    return member


def _invite(admin, email="new@example.com", role="bidi"):
    return services.invitation_create(
        organization=admin.organization, email=email, role=role, actor=admin.user
    )


def test_admin_invites_by_email_and_the_email_holds_a_working_link(
    admin, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE_URL, {"email": "New@Example.com", "role": "viewer"})

    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=admin.organization)
    assert (invitation.email, invitation.role) == ("new@example.com", Role.VIEWER)
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
    link = re.search(r"(\S+)(/invitations/[^/\s]+/)", mailoutbox[0].body)
    assert link.group(1) == settings.SITE_URL.rstrip("/")
    client.logout()
    page = client.get(link.group(2))
    assert page.status_code == 200
    assert admin.organization.name in page.content.decode()


def test_invalid_email_is_refused_next_to_the_field(admin, client):
    response = client.post(INVITE_URL, {"email": "not-an-email", "role": "bidi"})

    assert response.status_code == 200
    assert response.context["invite_form"].errors["email"]
    assert not Invitation.objects.exists()


def test_inviting_a_member_is_refused_next_to_the_email(admin, client, make_member):
    make_member("bidi", organization=admin.organization, email="taken@example.com")

    response = client.post(INVITE_URL, {"email": "taken@example.com", "role": "bidi"})

    assert response.context["invite_form"].errors["email"] == ["This person is already a member."]


def test_nobody_can_be_invited_as_owner(admin, client):
    response = client.post(INVITE_URL, {"email": "boss@example.com", "role": "owner"})

    assert response.context["invite_form"].errors["role"]
    assert not Invitation.objects.exists()


def test_viewer_cannot_invite(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    response = client.post(INVITE_URL, {"email": "new@example.com", "role": "viewer"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_pending_invitations_are_listed_with_expiry(admin, client):
    _invite(admin, email="pending@example.com")

    html = client.get(URL).content.decode()

    assert "pending@example.com" in html
    assert "expires" in html


def test_business_developer_does_not_see_invitations(admin, client, make_member):
    _invite(admin, email="pending@example.com")
    bidi = make_member("bidi", organization=admin.organization)
    client.force_login(bidi.user)

    html = client.get(URL).content.decode()

    assert "pending@example.com" not in html


def test_revoking_an_invitation_over_htmx_updates_its_row(admin, client):
    issued = _invite(admin)

    response = client.post(
        f"/settings/invitations/{issued.invitation.pk}/revoke/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Revoked" in response.content.decode()
    assert client.get(issued.path).status_code == 410


def test_revoking_without_javascript_redirects_with_a_message(admin, client):
    issued = _invite(admin)

    response = client.post(f"/settings/invitations/{issued.invitation.pk}/revoke/", follow=True)

    assert "The invitation for new@example.com is revoked." in response.content.decode()
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == "revoked"


def test_resending_emails_a_new_link_and_the_old_one_stops_working(
    admin, client, mailoutbox, django_capture_on_commit_callbacks
):
    issued = _invite(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/settings/invitations/{issued.invitation.pk}/resend/")

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    new_path = re.search(r"/invitations/[^/\s]+/", mailoutbox[0].body).group(0)
    assert new_path != issued.path
    client.logout()
    assert client.get(issued.path).status_code == 410
    assert client.get(new_path).status_code == 200


def test_an_expired_invitation_can_be_resent(admin, client):
    issued = _invite(admin)
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at="2000-01-01T00:00Z")

    client.post(f"/settings/invitations/{issued.invitation.pk}/resend/")

    assert Invitation.objects.filter(email="new@example.com", revoked_at__isnull=True).count() == 1
    assert Invitation.objects.get(email="new@example.com", revoked_at__isnull=True).status == (
        "pending"
    )


def test_invitations_of_another_organization_are_not_found(admin, client, make_member):
    other = make_member("owner")
    issued = _invite(other)

    revoke = client.post(f"/settings/invitations/{issued.invitation.pk}/revoke/")
    resend = client.post(f"/settings/invitations/{issued.invitation.pk}/resend/")

    assert (revoke.status_code, resend.status_code) == (404, 404)
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == "pending"
