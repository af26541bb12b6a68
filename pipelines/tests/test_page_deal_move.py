"""The board's move endpoint (drag and drop): JSON in, the moved deal and its card out; errors
as a status and a message the board shows while it puts the card back."""

from __future__ import annotations

import json

import pytest

from pipelines.models import Deal, DealStageChange
from pipelines.services.deals import deal_create
from pipelines.services.pipelines import pipeline_create

pytestmark = pytest.mark.django_db


def _move(client, deal, **body):
    return client.post(f"/deals/{deal.pk}/move/", json.dumps(body), content_type="application/json")


@pytest.fixture
def lead_deals(team):
    """Lead holds A, B, C top to bottom."""
    return {
        title: deal_create(organization=team.organization, actor=team.bidi, title=title)
        for title in "CBA"
    }


def _titles(stage) -> list[str]:
    return list(stage.deals.order_by("rank", "id").values_list("title", flat=True))


def test_a_drop_into_another_column_moves_the_deal_and_records_it(team, client, lead_deals):
    client.force_login(team.bidi)
    meeting = team.stage("Meeting")

    response = _move(client, lead_deals["B"], stage=meeting.pk, before_id=None, after_id=None)

    assert response.status_code == 200
    data = response.json()
    assert data["deal"]["stage_id"] == meeting.pk
    assert data["deal"]["version"] == 2
    assert f'data-stage-id="{meeting.pk}"' in data["card"]
    change = DealStageChange.objects.get(deal=lead_deals["B"], from_stage__isnull=False)
    assert (change.from_stage, change.to_stage, change.actor) == (
        team.stage("Lead"),
        meeting,
        team.bidi,
    )


def test_a_drop_between_two_cards_keeps_that_order(team, client, lead_deals):
    client.force_login(team.bidi)
    lead = team.stage("Lead")

    response = _move(
        client,
        lead_deals["C"],
        stage=lead.pk,
        before_id=lead_deals["A"].pk,
        after_id=lead_deals["B"].pk,
    )

    assert response.status_code == 200
    assert _titles(lead) == ["A", "C", "B"]


def test_a_drop_on_a_lost_column_keeps_the_reason(team, client, lead_deals):
    client.force_login(team.bidi)

    _move(client, lead_deals["A"], stage=team.stage("Lost").pk, lost_reason="Chose a competitor")

    assert Deal.objects.get(pk=lead_deals["A"].pk).lost_reason == "Chose a competitor"


def test_a_stage_of_another_pipeline_is_refused(team, client, lead_deals):
    client.force_login(team.owner)
    other = pipeline_create(organization=team.organization, actor=team.owner, name="Partners")

    response = _move(client, lead_deals["A"], stage=other.stages.first().pk)

    assert response.status_code == 400
    assert "another pipeline" in response.json()["message"]
    assert Deal.objects.get(pk=lead_deals["A"].pk).stage == team.stage("Lead")


def test_a_stage_of_another_organization_is_refused(team, client, lead_deals, make_member):
    client.force_login(team.bidi)
    stranger = make_member("owner")
    foreign = deal_create(organization=stranger.organization, actor=stranger.user, title="X")

    response = _move(client, lead_deals["A"], stage=foreign.stage_id)

    assert response.status_code == 400
    assert response.json()["errors"] == {"stage": [response.json()["message"]]}


def test_a_deal_of_another_organization_is_not_found(team, client, make_member):
    stranger = make_member("owner")
    foreign = deal_create(organization=stranger.organization, actor=stranger.user, title="X")
    client.force_login(team.bidi)

    response = _move(client, foreign, stage=team.stage("Lead").pk)

    assert response.status_code == 404
    assert Deal.objects.get(pk=foreign.pk).version == 1


def test_a_neighbour_that_left_the_column_is_a_clear_error(team, client, lead_deals):
    client.force_login(team.bidi)

    response = _move(
        client, lead_deals["A"], stage=team.stage("Meeting").pk, before_id=lead_deals["B"].pk
    )

    assert response.status_code == 400
    assert "reload the board" in response.json()["message"]


def test_a_body_that_is_not_json_is_refused(team, client, lead_deals):
    client.force_login(team.bidi)

    response = client.post(
        f"/deals/{lead_deals['A'].pk}/move/", "stage=3", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Send a JSON object."


def test_a_viewer_cannot_move_a_deal(team, client, lead_deals):
    client.force_login(team.viewer)

    response = _move(client, lead_deals["A"], stage=team.stage("Meeting").pk)

    assert response.status_code == 403
    assert Deal.objects.get(pk=lead_deals["A"].pk).stage == team.stage("Lead")


def test_a_neighbour_that_is_not_an_id_is_refused(team, client, lead_deals):
    client.force_login(team.bidi)

    response = _move(client, lead_deals["A"], stage=team.stage("Lead").pk, after_id="x")

    assert response.status_code == 400
    assert response.json()["errors"] == {"after_id": ["Not a deal id."]}


def test_a_move_reads_the_deal_and_its_card_in_one_query_each(
    team, client, lead_deals, django_assert_max_num_queries
):
    """22 before the trim: the signed-in request (5), the deal, the stage, then the service's
    transaction (membership, locks, neighbours, history, update, event, savepoints), the card."""
    client.force_login(team.bidi)
    client.get("/pipeline/")  # a warm session, as on the board
    meeting = team.stage("Meeting")

    with django_assert_max_num_queries(17):
        response = _move(client, lead_deals["B"], stage=meeting.pk, after_id=None)

    assert response.status_code == 200
    assert f'data-deal-id="{lead_deals["B"].pk}"' in response.json()["card"]


def test_the_card_endpoint_reads_one_deal_in_one_query(
    team, client, lead_deals, django_assert_max_num_queries
):
    client.force_login(team.bidi)
    client.get("/pipeline/")

    with django_assert_max_num_queries(6):
        response = client.get(f"/deals/{lead_deals['A'].pk}/card/", HTTP_HX_REQUEST="true")

    assert f'data-deal-id="{lead_deals["A"].pk}"' in response.content.decode()
