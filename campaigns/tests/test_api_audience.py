"""Audience preview, launch checks, message preview and the variable picker's list."""

from __future__ import annotations

import pytest

from campaigns.tests.api_helpers import ready_campaign, url
from campaigns.tests.factories import CampaignFactory
from crm.tests.factories import ContactFactory, CustomFieldDefinitionFactory
from messaging.tests.factories import TelegramBotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def viewer(owner, make_member, jwt_client):
    member = make_member("viewer", organization=owner.organization)
    return jwt_client(member.user, owner.organization)


def test_audience_counts_reachable_and_unreachable_contacts_by_reason(owner, viewer):
    ready = ready_campaign(owner)
    blocked = ContactFactory(organization=owner.organization, do_not_contact=True)
    blocked.tags.add(*ready.contact.tags.all())
    ContactFactory(organization=owner.organization)  # not tagged: not in the audience

    body = viewer.get(url(ready.campaign, "audience")).json()

    assert (body["total"], body["reachable"]) == (2, 1)
    assert body["unreachable"] == {"do_not_contact": 1}
    reasons = {row["contact"]["id"]: row["reason"] for row in body["sample"]}
    assert reasons == {ready.contact.pk: "", blocked.pk: "do_not_contact"}
    assert viewer.get(url(ready.campaign, "audience"), {"sample": "x"}).status_code == 400


def test_checks_list_blocking_problems_until_the_campaign_is_ready(owner, viewer):
    draft = CampaignFactory(organization=owner.organization)
    body = viewer.get(url(draft, "checks")).json()
    assert body["can_launch"] is False
    codes = {p["code"] for p in body["problems"] if p["blocking"]}
    assert {"no_bot", "no_steps"} <= codes

    ready = ready_campaign(owner)
    body = viewer.get(url(ready.campaign, "checks")).json()
    assert body["can_launch"] is True
    assert not [p for p in body["problems"] if p["blocking"]]


def test_preview_renders_for_a_contact_or_with_examples(owner, viewer):
    ready = ready_campaign(owner)
    body = "Hi {{ contact.first_name }} from {{ sender.first_name }}"

    for_ada = viewer.post(
        url(ready.campaign, "preview"), {"body": body, "contact": ready.contact.pk}, format="json"
    )
    assert for_ada.status_code == 200
    assert for_ada.json()["text"].startswith("Hi Ada from ")
    example = viewer.post(url(ready.campaign, "preview"), {"body": body}, format="json")
    assert example.status_code == 200
    assert "{{" not in example.json()["text"]


def test_preview_rejects_bad_templates_and_foreign_contacts(owner, viewer):
    ready = ready_campaign(owner)
    stranger = ContactFactory()

    broken = viewer.post(url(ready.campaign, "preview"), {"body": "Hi {{ contact."}, format="json")
    assert broken.status_code == 400
    assert broken.json()["error"]["fields"]["body"]
    unknown = viewer.post(
        url(ready.campaign, "preview"), {"body": "{{ contact.shoe_size }}"}, format="json"
    )
    assert unknown.status_code == 400
    foreign = viewer.post(
        url(ready.campaign, "preview"), {"body": "Hi", "contact": stranger.pk}, format="json"
    )
    assert foreign.status_code == 400
    assert "contact" in foreign.json()["error"]["fields"]


def test_variables_include_the_organization_custom_fields(owner, viewer):
    CustomFieldDefinitionFactory(organization=owner.organization, key="industry")
    CustomFieldDefinitionFactory(key="secret_of_another_org")
    TelegramBotFactory(organization=owner.organization)

    response = viewer.get("/api/v1/campaign-variables/")

    assert response.status_code == 200
    names = {v["name"] for v in response.json()}
    assert {"contact.first_name", "sender.full_name"} <= names
    assert any(name.endswith(".custom.industry") for name in names)
    assert not any("secret_of_another_org" in name for name in names)
