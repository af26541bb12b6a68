"""The launch check: problems are visible before launch, and the confirmation launches."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Recipient
from campaigns.tests.factories import CampaignFactory
from campaigns.tests.ready import ready_campaign

pytestmark = pytest.mark.django_db


def test_a_campaign_without_bot_audience_or_steps_cannot_be_launched(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(
        organization=owner.organization, audience_filters={"tag": "nobody"}, window_days=[]
    )
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{campaign.pk}/launch/").content.decode()

    assert "data-launch-blocked" in html
    assert f'href="/campaigns/{campaign.pk}/#basics"' in html  # the bot
    assert f'href="/campaigns/{campaign.pk}/#steps"' in html
    assert f'href="/campaigns/{campaign.pk}/#schedule"' in html  # no days in the window
    assert f'href="/campaigns/{campaign.pk}/#audience"' in html
    assert 'disabled><i class="bi bi-rocket-takeoff"' in html


def test_a_template_error_blocks_the_launch(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    variant = ready.campaign.steps.get().variants.get()
    variant.body = "Hi {{ contact.first_name"
    variant.save()
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{ready.campaign.pk}/launch/").content.decode()
    response = client.post(f"/campaigns/{ready.campaign.pk}/launch/")

    assert "data-launch-blocked" in html
    assert "Step 1" in html
    assert response.status_code == 200
    ready.campaign.refresh_from_db()
    assert ready.campaign.status == Campaign.Status.DRAFT


def test_launching_enrols_the_reachable_contacts_and_opens_the_live_page(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{ready.campaign.pk}/launch/").content.decode()
    response = client.post(f"/campaigns/{ready.campaign.pk}/launch/")

    assert "Ready to launch." in html and "Launch to 1 contact" in html
    assert response["Location"] == f"/campaigns/{ready.campaign.pk}/"
    ready.campaign.refresh_from_db()
    assert ready.campaign.status in (Campaign.Status.RUNNING, Campaign.Status.SCHEDULED)
    assert Recipient.objects.get(campaign=ready.campaign).contact == ready.contact
    page = client.get(response["Location"]).content.decode()
    assert "Campaign launched: 1 contact enrolled" in page
    assert 'id="campaign-progress"' in page


def test_viewers_see_the_checks_but_cannot_launch(make_member, client):
    viewer = make_member("viewer")
    campaign = CampaignFactory(organization=viewer.organization)
    client.force_login(viewer.user)

    html = client.get(f"/campaigns/{campaign.pk}/launch/").content.decode()

    assert "data-launch-blocked" in html
    assert "Launch to" not in html
    assert client.post(f"/campaigns/{campaign.pk}/launch/").status_code == 403


def test_another_organizations_launch_page_is_not_found(make_member, client):
    owner = make_member("owner")
    other = CampaignFactory()
    client.force_login(owner.user)

    assert client.get(f"/campaigns/{other.pk}/launch/").status_code == 404
    assert client.post(f"/campaigns/{other.pk}/launch/").status_code == 404
