"""``/api/v1/campaigns/``: list, create, read with steps, PATCH and DELETE, by role and org."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign
from campaigns.tests.api_helpers import URL, ready_campaign, url
from campaigns.tests.factories import (
    CampaignFactory,
    CampaignStepFactory,
    RecipientFactory,
    StepVariantFactory,
)
from crm.tests.factories import SavedViewFactory
from messaging.tests.factories import TelegramBotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def client(owner, jwt_client):
    return jwt_client(owner.user, owner.organization)


def test_list_shows_the_organization_campaigns_with_counts_and_filters(client, owner):
    org = owner.organization
    running = CampaignFactory(organization=org, name="Spring push", status="running")
    RecipientFactory(campaign=running)
    CampaignFactory(organization=org, name="Autumn draft")
    CampaignFactory(name="Someone else's")

    everything = client.get(URL).json()
    assert [c["name"] for c in everything["results"]] == ["Autumn draft", "Spring push"]
    spring = everything["results"][1]
    assert (spring["recipients_count"], spring["sent_count"], spring["replied_count"]) == (1, 0, 0)
    assert [c["name"] for c in client.get(URL, {"status": "running"}).json()["results"]] == [
        "Spring push"
    ]
    assert [c["name"] for c in client.get(URL, {"q": "autumn"}).json()["results"]] == [
        "Autumn draft"
    ]
    bad = client.get(URL, {"status": "sleeping"})
    assert bad.status_code == 400
    assert "status" in bad.json()["error"]["fields"]


def test_list_pages_with_a_cursor(client, owner):
    for n in range(3):
        CampaignFactory(organization=owner.organization, name=f"C{n}")

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    names = [c["name"] for c in first["results"] + second["results"]]
    assert sorted(names) == ["C0", "C1", "C2"]
    assert second["next"] is None


def test_create_makes_a_draft_sent_as_the_creator(client, owner):
    bot = TelegramBotFactory(organization=owner.organization)
    view = SavedViewFactory(organization=owner.organization)

    response = client.post(
        URL,
        {"name": "Intro", "bot": bot.pk, "audience_view": view.pk, "daily_cap": 40},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["bot"], body["audience_view"]) == ("draft", bot.pk, view.pk)
    assert (body["sender"], body["daily_cap"], body["steps"]) == (owner.user.pk, 40, [])
    assert Campaign.objects.get(pk=body["id"]).organization == owner.organization


def test_create_refuses_another_organization_bot_view_or_sender(client, make_member):
    stranger = make_member("owner")
    other_bot = TelegramBotFactory(organization=stranger.organization)
    other_view = SavedViewFactory(organization=stranger.organization)

    response = client.post(
        URL,
        {
            "name": "Intro",
            "bot": other_bot.pk,
            "audience_view": other_view.pk,
            "sender": stranger.user.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"bot", "audience_view", "sender"}
    assert not Campaign.objects.exists()


def test_create_reports_bad_values_as_field_errors(client):
    response = client.post(URL, {"name": "", "window_days": [9]}, format="json")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "name" in fields
    assert "window_days" in fields


def test_read_has_steps_in_order_with_their_variants(client, owner):
    campaign = CampaignFactory(organization=owner.organization)
    later = CampaignStepFactory(campaign=campaign, position=1, delay_minutes=60)
    first = CampaignStepFactory(campaign=campaign, position=0)
    StepVariantFactory(step=first, label="A", body="Hello", weight=70)
    StepVariantFactory(step=first, label="B", body="Hey", weight=30)
    StepVariantFactory(step=later, label="A", body="Following up")

    body = client.get(url(campaign)).json()

    assert [s["position"] for s in body["steps"]] == [0, 1]
    assert body["steps"][1]["delay_minutes"] == 60
    assert [(v["label"], v["body"], v["weight"]) for v in body["steps"][0]["variants"]] == [
        ("A", "Hello", 70),
        ("B", "Hey", 30),
    ]


def test_another_organization_campaign_is_not_found(client):
    other = CampaignFactory(status="running")
    for method, suffix in [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("get", "progress"),
        ("get", "analytics"),
        ("get", "recipients"),
        ("get", "audience"),
        ("get", "checks"),
        ("post", "pause"),
        ("put", "steps"),
    ]:
        response = getattr(client, method)(url(other, suffix), {}, format="json")
        assert response.status_code == 404, (method, suffix)
    assert Campaign.objects.get(pk=other.pk).status == "running"


def test_patch_changes_a_draft_and_refuses_frozen_fields_after_launch(client, owner):
    draft = CampaignFactory(organization=owner.organization)
    response = client.patch(url(draft), {"name": "Renamed", "stop_on_reply": False}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["stop_on_reply"]) == ("Renamed", False)

    running = CampaignFactory(organization=owner.organization, status="running")
    frozen = client.patch(url(running), {"audience_filters": {"tag": "x"}}, format="json")
    assert frozen.status_code == 400
    assert "audience_filters" in frozen.json()["error"]["fields"]
    allowed = client.patch(url(running), {"daily_cap": 25}, format="json")
    assert (allowed.status_code, allowed.json()["daily_cap"]) == (200, 25)


def test_delete_removes_drafts_only(client, owner):
    draft = CampaignFactory(organization=owner.organization)
    running = CampaignFactory(organization=owner.organization, status="running")

    assert client.delete(url(draft)).status_code == 204
    refused = client.delete(url(running))

    assert refused.status_code == 400
    assert list(Campaign.objects.values_list("pk", flat=True)) == [running.pk]


@pytest.mark.parametrize("role", ["viewer"])
def test_a_viewer_reads_but_cannot_write(role, make_member, jwt_client):
    viewer = make_member(role)
    campaign = CampaignFactory(organization=viewer.organization)
    client = jwt_client(viewer.user, viewer.organization)

    assert client.get(URL).status_code == 200
    assert client.get(url(campaign)).status_code == 200
    assert client.get(url(campaign, "progress")).status_code == 200
    for method, path in [
        ("post", URL),
        ("patch", url(campaign)),
        ("delete", url(campaign)),
        ("put", url(campaign, "steps")),
        ("post", url(campaign, "launch")),
        ("post", url(campaign, "pause")),
        ("post", url(campaign, "resume")),
        ("post", url(campaign, "cancel")),
    ]:
        response = getattr(client, method)(path, {"name": "x"}, format="json")
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["permission"] == "campaign.edit"
    assert Campaign.objects.get(pk=campaign.pk).name == campaign.name


@pytest.mark.parametrize("role", ["admin", "bidi"])
def test_writers_can_create(role, make_member, jwt_client):
    member = make_member(role)
    client = jwt_client(member.user, member.organization)
    assert client.post(URL, {"name": "Mine"}, format="json").status_code == 201


def test_a_read_only_api_key_lists_but_cannot_launch(owner, api_key_client):
    ready = ready_campaign(owner)
    client = api_key_client(owner)

    assert client.get(URL).status_code == 200
    assert client.post(url(ready.campaign, "launch")).status_code == 403
