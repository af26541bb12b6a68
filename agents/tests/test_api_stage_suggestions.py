"""``/api/v1/stage-suggestions/``: list, accept, dismiss."""

from __future__ import annotations

from agents.models import StageSuggestion
from agents.tests.factories import StageSuggestionFactory
from pipelines.models import DealStageChange, DealVia


def test_lists_suggestions_filtered_by_status_and_deal(make_member, jwt_client):
    member = make_member("viewer")
    org = member.organization
    wanted = StageSuggestionFactory(organization=org)
    StageSuggestionFactory(organization=org, status=StageSuggestion.Status.DISMISSED)
    StageSuggestionFactory()  # another organization's

    client = jwt_client(member.user)
    listed = client.get("/api/v1/stage-suggestions/?status=open").json()["results"]
    by_deal = client.get(f"/api/v1/stage-suggestions/?deal={wanted.deal_id}").json()["results"]

    assert [row["id"] for row in listed] == [wanted.pk]
    assert listed[0]["to_stage"] == {"id": wanted.to_stage_id, "name": wanted.to_stage.name}
    assert [row["id"] for row in by_deal] == [wanted.pk]


def test_unknown_status_filter_answers_400(make_member, jwt_client):
    member = make_member("viewer")

    response = jwt_client(member.user).get("/api/v1/stage-suggestions/?status=maybe")

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_accept_moves_the_deal(make_member, jwt_client):
    member = make_member("bidi")
    suggestion = StageSuggestionFactory(organization=member.organization)

    response = jwt_client(member.user).post(f"/api/v1/stage-suggestions/{suggestion.pk}/accept/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    suggestion.deal.refresh_from_db()
    assert suggestion.deal.stage_id == suggestion.to_stage_id
    assert DealStageChange.objects.filter(deal=suggestion.deal, via=DealVia.AI_SUGGESTION).exists()


def test_dismiss_then_accept_answers_409(make_member, jwt_client):
    member = make_member("bidi")
    suggestion = StageSuggestionFactory(organization=member.organization)
    client = jwt_client(member.user)

    dismissed = client.post(f"/api/v1/stage-suggestions/{suggestion.pk}/dismiss/")
    again = client.post(f"/api/v1/stage-suggestions/{suggestion.pk}/accept/")

    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["decided_by"] == member.user.pk
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "suggestion_not_open"


def test_viewer_cannot_accept(make_member, jwt_client):
    member = make_member("viewer")
    suggestion = StageSuggestionFactory(organization=member.organization)

    response = jwt_client(member.user).post(f"/api/v1/stage-suggestions/{suggestion.pk}/accept/")

    assert response.status_code == 403


def test_another_organizations_suggestion_is_not_found(make_member, jwt_client):
    member = make_member("bidi")
    foreign = StageSuggestionFactory()

    response = jwt_client(member.user).post(f"/api/v1/stage-suggestions/{foreign.pk}/dismiss/")

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "open"


def test_list_queries_do_not_grow_with_rows(make_member, jwt_client, django_assert_max_num_queries):
    member = make_member("viewer")
    for _ in range(5):
        StageSuggestionFactory(organization=member.organization)
    client = jwt_client(member.user)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/stage-suggestions/")

    assert len(response.json()["results"]) == 5
