"""A launched campaign's page: progress, recipients, pause / resume / cancel."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign
from campaigns.services.lifecycle import campaign_launch
from campaigns.tests.factories import CampaignFactory, RecipientFactory
from campaigns.tests.ready import ready_campaign

pytestmark = pytest.mark.django_db


def _launched(member):
    ready = ready_campaign(member)
    campaign_launch(campaign=ready.campaign, actor=member.user)
    ready.campaign.refresh_from_db()
    return ready


def test_the_live_page_shows_progress_and_recipients(make_member, client):
    owner = make_member("owner")
    ready = _launched(owner)
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{ready.campaign.pk}/").content.decode()

    assert 'id="campaign-progress"' in html
    assert "data-progress-enrolled>1<" in html
    assert 'hx-trigger="every 5s' in html  # polling fallback
    assert "js/campaign_live.js" in html
    assert f'href="/contacts/{ready.contact.pk}/"' in html
    assert "Ada Lovelace" in html
    assert "Pause" in html and "Cancel campaign" in html


def test_the_progress_partial_answers_alone(make_member, client):
    owner = make_member("owner")
    ready = _launched(owner)
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{ready.campaign.pk}/progress/").content.decode()

    assert html.lstrip().startswith("{%") is False
    assert 'id="campaign-progress"' in html and "<html" not in html


def test_recipients_filter_by_status(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="running")
    RecipientFactory(campaign=campaign, contact__first_name="Replier", status="replied")
    RecipientFactory(campaign=campaign, contact__first_name="Silent", status="active")
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{campaign.pk}/", {"status": "replied"}).content.decode()

    assert "Replier" in html and "Silent" not in html


def test_recipients_are_paged(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="running")
    for _ in range(26):
        RecipientFactory(campaign=campaign)
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert "Page 1 of 2" in html


def test_pause_resume_and_cancel(make_member, client):
    owner = make_member("owner")
    ready = _launched(owner)
    url = f"/campaigns/{ready.campaign.pk}/"
    client.force_login(owner.user)

    client.post(url + "pause/")
    ready.campaign.refresh_from_db()
    assert ready.campaign.status == Campaign.Status.PAUSED
    assert "Resume" in client.get(url).content.decode()

    client.post(url + "resume/")
    ready.campaign.refresh_from_db()
    assert ready.campaign.status in (Campaign.Status.RUNNING, Campaign.Status.SCHEDULED)

    client.post(url + "cancel/")
    ready.campaign.refresh_from_db()
    assert ready.campaign.status == Campaign.Status.CANCELLED
    html = client.get(url).content.decode()
    assert "Cancel campaign" not in html and "The campaign was cancelled" in html


def test_a_refused_transition_says_why(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="completed")
    client.force_login(owner.user)

    response = client.post(f"/campaigns/{campaign.pk}/pause/", follow=True)

    assert response.status_code == 200
    assert 'class="alert alert-danger' in response.content.decode() or "alert-danger" in (
        response.content.decode()
    )
    campaign.refresh_from_db()
    assert campaign.status == "completed"


def test_viewers_see_progress_without_buttons_and_cannot_pause(make_member, client):
    viewer = make_member("viewer")
    campaign = CampaignFactory(organization=viewer.organization, status="running")
    client.force_login(viewer.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert 'id="campaign-progress"' in html
    assert "Pause" not in html and "Cancel campaign" not in html
    assert client.post(f"/campaigns/{campaign.pk}/pause/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "running"


def test_another_organizations_campaign_pages_are_not_found(make_member, client):
    owner = make_member("owner")
    other = CampaignFactory(status="running")
    client.force_login(owner.user)

    for part in ("", "progress/", "analytics/"):
        assert client.get(f"/campaigns/{other.pk}/{part}").status_code == 404
    assert client.post(f"/campaigns/{other.pk}/cancel/").status_code == 404
    other.refresh_from_db()
    assert other.status == "running"
