"""Launch, pause, resume and cancel through the API; then recipients, progress and analytics."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.tests.api_helpers import ready_campaign, url
from campaigns.tests.factories import CampaignFactory, CampaignSendFactory
from crm.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def client(owner, jwt_client):
    return jwt_client(owner.user, owner.organization)


def test_launch_enrols_the_audience_and_lists_unreachable_contacts(client, owner):
    ready = ready_campaign(owner)
    no_chat = ContactFactory(organization=owner.organization, first_name="Bo")
    no_chat.tags.add(*ready.contact.tags.all())

    response = client.post(url(ready.campaign, "launch"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["enrolled"], body["unreachable"]) == (1, 1)
    assert body["campaign"]["status"] == "running"
    assert body["campaign"]["launched_at"]
    recipients = client.get(url(ready.campaign, "recipients")).json()["results"]
    assert {(r["contact"]["id"], r["status"], r["reason"]) for r in recipients} == {
        (ready.contact.pk, "active", ""),
        (no_chat.pk, "unreachable", "no_chat"),
    }


def test_launch_is_refused_with_the_blocking_problems(client, owner):
    draft = CampaignFactory(organization=owner.organization, name="Half-built")

    response = client.post(url(draft, "launch"))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "launch_blocked"
    assert "bot" in error["fields"]
    assert {"no_bot", "no_steps"} <= {p["code"] for p in error["problems"]}
    assert all(p["blocking"] for p in error["problems"])
    assert Campaign.objects.get(pk=draft.pk).status == "draft"


def test_pause_resume_and_cancel(client, owner):
    ready = ready_campaign(owner)
    client.post(url(ready.campaign, "launch"))

    paused = client.post(url(ready.campaign, "pause"))
    assert (paused.status_code, paused.json()["status"]) == (200, "paused")
    again = client.post(url(ready.campaign, "pause"))
    assert again.status_code == 400
    resumed = client.post(url(ready.campaign, "resume"))
    assert (resumed.status_code, resumed.json()["status"]) == (200, "running")
    cancelled = client.post(url(ready.campaign, "cancel"))
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    recipient = Recipient.objects.get(campaign=ready.campaign, contact=ready.contact)
    assert (recipient.status, recipient.reason) == ("stopped", "cancelled")


def test_recipients_filter_by_status_reason_and_name(client, owner):
    ready = ready_campaign(owner)
    for name in ("Bo", "Cy"):
        contact = ContactFactory(organization=owner.organization, first_name=name)
        contact.tags.add(*ready.contact.tags.all())
    client.post(url(ready.campaign, "launch"))

    def names(**params) -> list[str]:
        results = client.get(url(ready.campaign, "recipients"), params).json()["results"]
        return sorted(r["contact"]["full_name"].split()[0] for r in results)

    assert names(status="active") == ["Ada"]
    assert names(reason="no_chat") == ["Bo", "Cy"]
    assert names(q="cy") == ["Cy"]
    bad = client.get(url(ready.campaign, "recipients"), {"reason": "bored"})
    assert bad.status_code == 400
    assert "reason" in bad.json()["error"]["fields"]


def test_progress_and_analytics_follow_the_sends(client, owner):
    ready = ready_campaign(owner)
    client.post(url(ready.campaign, "launch"))
    recipient = Recipient.objects.get(campaign=ready.campaign, status="active")
    step = ready.campaign.steps.get()
    CampaignSendFactory(
        recipient=recipient,
        step=step,
        variant=step.variants.get(),
        status=CampaignSend.Status.SENT,
    )
    Recipient.objects.filter(pk=recipient.pk).update(status="completed")

    progress = client.get(url(ready.campaign, "progress")).json()
    assert (progress["enrolled"], progress["completed"], progress["sends_sent"]) == (1, 1, 1)
    assert (progress["expected_sends"], progress["percent"]) == (1, 100)

    analytics = client.get(url(ready.campaign, "analytics")).json()
    funnel = {stage["key"]: stage["count"] for stage in analytics["funnel"]}
    assert funnel == {
        "enrolled": 1,
        "sent": 1,
        "delivered": 1,
        "replied": 0,
        "deal_created": 0,
        "won": 0,
    }
    assert analytics["funnel"][4]["label"] == "Deal created"
    (step_stats,) = analytics["steps"]
    assert step_stats["variants"][0]["label"] == "A"
    assert step_stats["variants"][0]["significance"] is None
    assert sum(day["sent"] for day in analytics["days"]) == 1
