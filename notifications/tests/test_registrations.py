"""The types of accounts- and automation-level events: who hears of an accepted invitation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Membership
from accounts.tests.factories import UserFactory
from notifications.models import Notification
from notifications.selectors import notifications_for

pytestmark = pytest.mark.django_db


def invite_and_accept(inviter, capture, *, email="grace@example.com", full_name="Grace Hopper"):
    issued = services.invitation_create(
        organization=inviter.organization, email=email, role="bidi", actor=inviter.user
    )
    invitee = UserFactory(email=email, full_name=full_name)
    with capture(execute=True):
        services.invitation_accept(token=issued.token, user=invitee)
    return invitee


def test_the_inviter_is_told_their_invitation_was_accepted(
    make_member, django_capture_on_commit_callbacks
):
    admin = make_member("admin")

    invite_and_accept(admin, django_capture_on_commit_callbacks)

    [notice] = notifications_for(admin.user, admin.organization)
    assert notice.type == "invitation.accepted"
    assert notice.title == "Grace Hopper accepted your invitation"
    assert notice.body == (
        f"grace@example.com joined {admin.organization.name} as Business developer."
    )
    assert notice.url == reverse("settings_members")


def test_other_admins_and_the_new_member_are_not_told(
    make_member, django_capture_on_commit_callbacks
):
    admin = make_member("admin")
    owner = make_member("owner", organization=admin.organization)

    invitee = invite_and_accept(admin, django_capture_on_commit_callbacks)

    assert not Notification.objects.filter(user__in=[owner.user, invitee]).exists()


def test_an_inviter_who_left_the_organization_is_not_told(
    make_member, django_capture_on_commit_callbacks
):
    admin = make_member("admin")
    issued = services.invitation_create(
        organization=admin.organization, email="grace@example.com", role="bidi", actor=admin.user
    )
    Membership.objects.filter(organization=admin.organization, user=admin.user).delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(token=issued.token, user=UserFactory(email="grace@example.com"))

    assert not Notification.objects.exists()
