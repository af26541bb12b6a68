"""Campaigns list and the create form."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, RecipientFactory
from messaging.tests.factories import TelegramBotFactory

pytestmark = pytest.mark.django_db

URL = "/campaigns/"


def test_the_list_shows_each_campaign_with_status_bot_and_counts(make_member, client):
    owner = make_member("owner")
    bot = TelegramBotFactory(organization=owner.organization, username="acme_bot")
    running = CampaignFactory(
        organization=owner.organization, name="Q3 founders", status="running", bot=bot
    )
    RecipientFactory(campaign=running)
    RecipientFactory(campaign=running, status="replied")
    CampaignFactory(organization=owner.organization, name="Draft idea")
    client.force_login(owner.user)

    html = client.get(URL).content.decode()

    assert "Q3 founders" in html and "Draft idea" in html
    assert "@acme_bot" in html
    assert "campaign-status-running" in html
    assert "<dt>Recipients</dt><dd>2</dd>" in html


def test_the_list_filters_by_status(make_member, client):
    owner = make_member("owner")
    CampaignFactory(organization=owner.organization, name="Live one", status="running")
    CampaignFactory(organization=owner.organization, name="Still a draft")
    client.force_login(owner.user)

    html = client.get(URL, {"status": "running"}).content.decode()

    assert "Live one" in html
    assert "Still a draft" not in html


def test_other_organizations_campaigns_are_not_listed(make_member, client):
    owner = make_member("owner")
    CampaignFactory(name="Someone else's")
    client.force_login(owner.user)

    html = client.get(URL).content.decode()

    assert "Someone else's" not in html
    assert "No campaigns yet" in html


def test_viewers_see_the_list_without_the_new_button(make_member, client):
    viewer = make_member("viewer")
    CampaignFactory(organization=viewer.organization, name="Q3 founders")
    client.force_login(viewer.user)

    html = client.get(URL).content.decode()

    assert "Q3 founders" in html
    assert "/campaigns/new/" not in html
    assert client.get("/campaigns/new/").status_code == 403


def test_the_nav_links_to_campaigns(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert 'href="/campaigns/"' in client.get("/").content.decode()


def test_creating_a_campaign_opens_its_builder(make_member, client):
    owner = make_member("owner")
    bot = TelegramBotFactory(organization=owner.organization)
    client.force_login(owner.user)

    response = client.post(
        "/campaigns/new/", {"name": "Q3 founders", "bot": bot.pk, "description": "Warm intros"}
    )

    campaign = Campaign.objects.get(organization=owner.organization)
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.bot, campaign.status) == ("Q3 founders", bot, "draft")
    assert campaign.sender == owner.user


def test_the_create_form_offers_only_this_organizations_active_bots(make_member, client):
    owner = make_member("owner")
    TelegramBotFactory(organization=owner.organization, name="Ours")
    TelegramBotFactory(organization=owner.organization, name="Retired", is_active=False)
    foreign = TelegramBotFactory(name="Theirs")
    client.force_login(owner.user)

    html = client.get("/campaigns/new/").content.decode()
    response = client.post("/campaigns/new/", {"name": "X", "bot": foreign.pk})

    assert "Ours" in html and "Retired" not in html and "Theirs" not in html
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_missing_name_is_reported_next_to_the_field(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    html = client.post("/campaigns/new/", {"name": ""}).content.decode()

    assert 'id="id_name_error"' in html
    assert not Campaign.objects.exists()
