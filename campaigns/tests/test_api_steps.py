"""``PUT /api/v1/campaigns/{id}/steps/``: the sequence and its A/B variants, errors nested."""

from __future__ import annotations

import pytest

from campaigns.models import CampaignStep, StepVariant
from campaigns.tests.api_helpers import step, url
from campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def client(owner, jwt_client):
    return jwt_client(owner.user, owner.organization)


def test_steps_replace_the_sequence_of_a_draft(client, owner):
    campaign = CampaignFactory(organization=owner.organization)
    client.put(url(campaign, "steps"), {"steps": [step("Old")]}, format="json")

    response = client.put(
        url(campaign, "steps"),
        {
            "steps": [
                step("Hi {{ contact.first_name }}", "Hello {{ contact.full_name }}"),
                step("Any news?", delay=2880),
            ]
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    steps = response.json()["steps"]
    assert [(s["position"], s["delay_minutes"]) for s in steps] == [(0, 0), (1, 2880)]
    assert [v["label"] for v in steps[0]["variants"]] == ["A", "B"]
    assert steps[1]["variants"][0]["body"] == "Any news?"
    assert CampaignStep.objects.filter(campaign=campaign).count() == 2
    assert not StepVariant.objects.filter(body="Old").exists()


def test_service_errors_come_back_nested_by_step_and_variant(client, owner):
    campaign = CampaignFactory(organization=owner.organization)

    response = client.put(
        url(campaign, "steps"),
        {"steps": [step("Fine"), step("Also fine", "Hi {{ contact.shoe_size }}")]},
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields["steps"]) == ["1"]
    assert list(fields["steps"]["1"]["variants"]) == ["1"]
    (message,) = fields["steps"]["1"]["variants"]["1"]["body"]
    assert "shoe_size" in message
    assert not CampaignStep.objects.filter(campaign=campaign).exists()


def test_shape_errors_are_nested_the_same_way(client, owner):
    campaign = CampaignFactory(organization=owner.organization)

    response = client.put(
        url(campaign, "steps"),
        {"steps": [{"delay_minutes": "soon", "variants": [{"weight": 10}]}]},
        format="json",
    )

    assert response.status_code == 400
    first = response.json()["error"]["fields"]["steps"]["0"]
    assert "delay_minutes" in first
    assert "body" in first["variants"]["0"]


def test_steps_of_a_running_campaign_cannot_change(client, owner):
    campaign = CampaignFactory(organization=owner.organization, status="running")

    response = client.put(url(campaign, "steps"), {"steps": [step("New")]}, format="json")

    assert response.status_code == 400
    assert "steps" in response.json()["error"]["fields"]


def test_messages_about_a_container_and_its_items_both_survive_nesting():
    from campaigns.api.errors import nested_fields

    nested = nested_fields(
        {
            "steps": ["Use at most 10 steps."],
            "steps.2.variants": ["Use at most 4 variants."],
            "steps.2.variants.0.weight": ["Enter 1 to 100."],
            "name": ["Required."],
        }
    )

    assert nested == {
        "name": ["Required."],
        "steps": {
            "non_field_errors": ["Use at most 10 steps."],
            "2": {
                "variants": {
                    "non_field_errors": ["Use at most 4 variants."],
                    "0": {"weight": ["Enter 1 to 100."]},
                }
            },
        },
    }
