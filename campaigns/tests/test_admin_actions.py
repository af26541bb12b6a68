"""Operators pause, resume and cancel campaigns from the Django admin, through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.permissions import Role
from campaigns.models import Campaign, Recipient
from campaigns.tests.factories import CampaignFactory, RecipientFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:campaigns_campaign_changelist"


@pytest.fixture
def staff(make_member, client):
    def make(role: str = Role.OWNER):
        member = make_member(role, is_staff=True)
        member.user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_campaign", "change_campaign"])
        )
        client.force_login(member.user)
        return member

    return make


def _act(client, action: str, *campaigns: Campaign):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in campaigns]},
        follow=True,
    )


def test_pause_resume_and_cancel_go_through_the_services(client, staff):
    owner = staff()
    campaign = CampaignFactory(organization=owner.organization, status="running")
    active = RecipientFactory(campaign=campaign)

    _act(client, "pause", campaign)
    campaign.refresh_from_db()
    assert campaign.status == "paused"
    _act(client, "resume", campaign)
    campaign.refresh_from_db()
    assert campaign.status == "running"
    response = _act(client, "cancel", campaign)
    campaign.refresh_from_db()
    assert campaign.status == "cancelled"
    assert "Cancelled 1 of 1." in response.text
    active.refresh_from_db()
    assert (active.status, active.reason) == (Recipient.Status.STOPPED, "cancelled")


def test_a_refused_row_is_explained_and_the_others_still_change(client, staff):
    owner = staff()
    draft = CampaignFactory(organization=owner.organization, name="Still a draft")
    running = CampaignFactory(organization=owner.organization, status="running")

    response = _act(client, "pause", draft, running)

    draft.refresh_from_db()
    running.refresh_from_db()
    assert (draft.status, running.status) == ("draft", "paused")
    assert "Still a draft:" in response.text
    assert "Paused 1 of 2." in response.text


def test_a_viewer_role_cannot_stop_a_campaign(client, staff):
    viewer = staff(Role.VIEWER)
    campaign = CampaignFactory(organization=viewer.organization, status="running")

    _act(client, "cancel", campaign)

    campaign.refresh_from_db()
    assert campaign.status == "running"


def test_changelist_filters_by_status(client, staff):
    owner = staff()
    CampaignFactory(organization=owner.organization, name="Live one", status="running")
    CampaignFactory(organization=owner.organization, name="Draft one")

    response = client.get(reverse(CHANGELIST), {"status__exact": "running"})

    assert response.status_code == 200
    assert "Live one" in response.text
    assert "Draft one" not in response.text
