from __future__ import annotations

import pytest

from pipelines.models import Deal, Pipeline, Stage
from pipelines.services.deals import deal_create

PIPELINES = "/api/v1/pipelines/"


def _deal(team, title, stage="Lead", **extra):
    return deal_create(
        organization=team.organization,
        actor=team.bidi,
        title=title,
        stage=team.stage(stage),
        **extra,
    )


def test_list_and_create_pipelines(team, jwt_client):
    client = jwt_client(team.admin)
    listed = client.get(PIPELINES).json()
    assert [p["name"] for p in listed] == ["Business development"]
    assert [s["name"] for s in listed[0]["stages"]][-2:] == ["Won", "Lost"]
    created = client.post(
        PIPELINES,
        {"name": "Partners", "stages": [{"name": "Intro", "probability": 20}]},
        format="json",
    )
    assert created.status_code == 201
    assert [s["name"] for s in created.json()["stages"]] == ["Intro"]
    bad = client.post(
        PIPELINES, {"name": "X", "stages": [{"name": "S", "probability": 150}]}, format="json"
    )
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["stages[0].probability"]
    made_default = client.patch(
        f"{PIPELINES}{created.json()['id']}/", {"is_default": True}, format="json"
    )
    assert made_default.json()["is_default"] is True
    assert Pipeline.objects.get(pk=team.pipeline.pk).is_default is False
    assert jwt_client(team.bidi).post(PIPELINES, {"name": "No"}, format="json").status_code == 403


def test_stage_crud_and_reorder(team, jwt_client):
    client = jwt_client(team.admin)
    stages = f"{PIPELINES}{team.pipeline.pk}/stages/"
    created = client.post(
        stages, {"name": "Demo", "probability": 50, "rotting_days": 5, "position": 2}, format="json"
    )
    assert created.status_code == 201 and created.json()["position"] == 2
    stage_id = created.json()["id"]
    assert (
        client.patch(f"{stages}{stage_id}/", {"probability": 55}, format="json").json()[
            "probability"
        ]
        == 55
    )
    bad = client.patch(f"{stages}{stage_id}/", {"probability": 101, "kind": "x"}, format="json")
    assert bad.status_code == 400 and sorted(bad.json()["error"]["fields"]) == [
        "kind",
        "probability",
    ]
    ids = [s["id"] for s in client.get(stages).json()]
    reordered = client.post(f"{stages}reorder/", {"stage_ids": ids[::-1]}, format="json")
    assert [s["id"] for s in reordered.json()] == ids[::-1]
    assert (
        client.post(f"{stages}reorder/", {"stage_ids": ids[:2]}, format="json").status_code == 400
    )


def test_deleting_a_stage_with_deals_needs_a_target(team, jwt_client):
    _deal(team, "A")
    client = jwt_client(team.admin)
    lead = team.stage("Lead")
    url = f"{PIPELINES}{team.pipeline.pk}/stages/{lead.pk}/"
    refused = client.delete(url)
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["move_deals_to"]
    done = client.delete(f"{url}?move_deals_to={team.stage('Engaged').pk}")
    assert done.status_code == 204
    assert Deal.objects.get().stage == team.stage("Engaged")
    assert not Stage.objects.filter(pk=lead.pk).exists()


def test_stages_of_another_organizations_pipeline_are_404(team, jwt_client, make_member):
    stranger = make_member("owner")
    theirs = Pipeline.objects.create(organization=stranger.organization, name="Theirs")
    client = jwt_client(team.admin)
    assert client.get(f"{PIPELINES}{theirs.pk}/stages/").status_code == 404
    assert client.get(f"{PIPELINES}{theirs.pk}/board/").status_code == 404
    posted = client.post(
        f"{PIPELINES}{theirs.pk}/stages/", {"name": "x", "probability": 1}, format="json"
    )
    assert posted.status_code == 404
    assert not Stage.objects.filter(pipeline=theirs).exists()


def test_board_columns_totals_and_cards(team, jwt_client):
    for n in range(3):
        _deal(team, f"L{n}", value="100.00")
    _deal(team, "M", "Meeting", value="1000.00")
    _deal(team, "E", "Meeting", value="10.00", currency="EUR")
    body = jwt_client(team.viewer).get(f"{PIPELINES}{team.pipeline.pk}/board/").json()
    assert body["currency"] == "USD"
    assert [c["stage"]["name"] for c in body["columns"]][:4] == [
        "Lead",
        "Contacted",
        "Engaged",
        "Meeting",
    ]
    lead, meeting = body["columns"][0], body["columns"][3]
    assert (lead["count"], lead["total_value"], lead["weighted_value"]) == (3, "300.00", "30.00")
    assert [d["title"] for d in lead["deals"]] == ["L2", "L1", "L0"]
    assert meeting["totals"] == [
        {"currency": "USD", "count": 1, "total_value": "1000.00", "weighted_value": "600.00"},
        {"currency": "EUR", "count": 1, "total_value": "10.00", "weighted_value": "6.00"},
    ]
    card = lead["deals"][0]
    assert set(card) >= {"id", "title", "value", "owner", "company", "days_in_stage", "is_stale"}
    assert body["totals"]["count"] == 5 and body["totals"]["total_value"] == "1300.00"


def test_board_load_more_in_a_column(team, jwt_client):
    for n in range(7):
        _deal(team, f"L{n}")
    client = jwt_client(team.bidi)
    url = f"{PIPELINES}{team.pipeline.pk}/board/"
    first = client.get(url, {"per_column": 3}).json()["columns"][0]
    assert first["has_more"] and len(first["deals"]) == 3
    more = client.get(
        url, {"per_column": 3, "stage": first["stage"]["id"], "after": first["deals"][-1]["id"]}
    ).json()
    assert [d["title"] for d in more["deals"]] == ["L3", "L2", "L1"] and more["has_more"]
    bad = client.get(url, {"stage": first["stage"]["id"], "after": 999999})
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["after"]
    assert client.get(url, {"per_column": 0}).status_code == 400


@pytest.mark.parametrize("rows", [5, 60])
def test_board_query_count_is_constant(team, jwt_client, django_assert_max_num_queries, rows):
    for n in range(rows):
        _deal(
            team,
            f"D{n}",
            stage=["Lead", "Meeting", "Won"][n % 3],
            owner=team.bidi,
            tags=[f"t{n % 3}"],
        )
    client = jwt_client(team.bidi)
    with django_assert_max_num_queries(9):
        response = client.get(f"{PIPELINES}{team.pipeline.pk}/board/", {"tag": "t1"})
    assert response.status_code == 200
    assert sum(c["count"] for c in response.json()["columns"]) == rows // 3 + (rows % 3 > 1)


def test_forecast_endpoint(team, jwt_client):
    _deal(team, "A", "Proposal", value="1000", expected_close_date="2099-01-01")
    body = (
        jwt_client(team.viewer)
        .get(f"{PIPELINES}{team.pipeline.pk}/forecast/", {"months": 3})
        .json()
    )
    assert len(body["months"]) == 3 and body["currency"] == "USD"
    assert body["conversion"][0]["stage"]["name"] == "Lead"
    assert (
        jwt_client(team.viewer)
        .get(f"{PIPELINES}{team.pipeline.pk}/forecast/", {"months": 99})
        .status_code
        == 400
    )
