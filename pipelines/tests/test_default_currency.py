"""The organization's default currency (accounts) is what new deals start in."""

from __future__ import annotations

from automation.models import Event


def test_set_through_the_api_and_used_by_new_deals(team, jwt_client):
    client = jwt_client(team.admin)
    url = f"/api/v1/organizations/{team.organization.pk}/"
    response = client.patch(url, {"default_currency": "gbp"}, format="json")
    assert response.status_code == 200 and response.json()["default_currency"] == "GBP"
    event = Event.objects.filter(name="organization.updated").latest("id")
    assert event.payload["changed"] == ["default_currency"]
    deal = jwt_client(team.bidi).post("/api/v1/deals/", {"title": "UK deal"}, format="json")
    assert deal.json()["currency"] == "GBP"


def test_an_unknown_code_is_a_field_error(team, jwt_client):
    url = f"/api/v1/organizations/{team.organization.pk}/"
    response = jwt_client(team.admin).patch(url, {"default_currency": "ZZZ"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["default_currency"]
