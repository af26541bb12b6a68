"""Pipeline settings: create, rename, make default and delete pipelines; add, edit, reorder and
delete stages (a stage holding deals asks where they go). Managers only."""

from __future__ import annotations

import pytest

from pipelines.models import Deal, Pipeline, Stage
from pipelines.services.deals import deal_create
from pipelines.services.pipelines import pipeline_create

pytestmark = pytest.mark.django_db


def _stage_data(prefix: str, **values) -> dict:
    data = {"name": "Demo", "probability": "50", "kind": "open", "rotting_days": ""}
    data.update(values)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_the_list_shows_each_pipeline_with_its_counts(team, client):
    client.force_login(team.admin)
    deal_create(organization=team.organization, actor=team.admin, title="A")

    html = client.get("/settings/pipelines/").content.decode()

    assert "Business development" in html
    assert "7 stages · 1 deal" in html
    assert ">Default</span>" in html


def test_a_new_pipeline_starts_with_the_standard_stages(team, client):
    client.force_login(team.admin)

    response = client.post("/settings/pipelines/", {"name": "Partnerships"})

    pipeline = Pipeline.objects.get(name="Partnerships")
    assert response["Location"] == f"/settings/pipelines/{pipeline.pk}/"
    assert pipeline.stages.count() == 7
    assert not pipeline.is_default


def test_a_pipeline_without_a_name_is_refused(team, client):
    client.force_login(team.admin)

    html = client.post("/settings/pipelines/", {"name": " "}).content.decode()

    assert "Give it a name." in html
    assert Pipeline.objects.filter(organization=team.organization).count() == 1


def test_a_pipeline_is_renamed_and_made_default(team, client):
    client.force_login(team.admin)
    other = pipeline_create(organization=team.organization, actor=team.admin, name="Other")

    client.post(f"/settings/pipelines/{other.pk}/", {"name": "Partners"})
    client.post(f"/settings/pipelines/{other.pk}/", {"action": "default"})

    other.refresh_from_db()
    assert (other.name, other.is_default) == ("Partners", True)
    assert not Pipeline.objects.get(pk=team.pipeline.pk).is_default


def test_the_default_pipeline_cannot_be_deleted(team, client):
    client.force_login(team.admin)

    response = client.post(f"/settings/pipelines/{team.pipeline.pk}/delete/", follow=True)

    assert "Make another one the default first." in response.content.decode()
    assert Pipeline.objects.filter(pk=team.pipeline.pk).exists()


def test_an_empty_pipeline_is_deleted(team, client):
    client.force_login(team.admin)
    other = pipeline_create(organization=team.organization, actor=team.admin, name="Other")

    response = client.post(f"/settings/pipelines/{other.pk}/delete/")

    assert response["Location"] == "/settings/pipelines/"
    assert not Pipeline.objects.filter(pk=other.pk).exists()


def test_a_stage_is_added_at_the_end(team, client):
    client.force_login(team.admin)

    client.post(
        f"/settings/pipelines/{team.pipeline.pk}/stages/",
        _stage_data("new", name="Due diligence", probability="70", rotting_days="10"),
    )

    stage = team.pipeline.stages.order_by("position").last()
    assert (stage.name, stage.probability, stage.rotting_days) == ("Due diligence", 70, 10)


def test_a_probability_over_100_is_refused_next_to_the_field(team, client):
    client.force_login(team.admin)

    html = client.post(
        f"/settings/pipelines/{team.pipeline.pk}/stages/", _stage_data("new", probability="120")
    ).content.decode()

    assert 'id="id_new-probability_error"' in html
    assert "from 0 to 100" in html
    assert team.pipeline.stages.count() == 7


def test_a_stage_is_edited(team, client):
    client.force_login(team.admin)
    lead = team.stage("Lead")

    client.post(
        f"/settings/stages/{lead.pk}/",
        _stage_data(f"stage-{lead.pk}", name="Prospect", probability="5", rotting_days="30"),
    )

    lead.refresh_from_db()
    assert (lead.name, lead.probability, lead.rotting_days) == ("Prospect", 5, 30)


def test_stages_are_reordered(team, client):
    client.force_login(team.admin)
    ids = list(team.pipeline.stages.order_by("position").values_list("pk", flat=True))
    wanted = [ids[1], ids[0], *ids[2:]]

    response = client.post(
        f"/settings/pipelines/{team.pipeline.pk}/stages/order/", {"stage_ids": wanted}
    )

    assert response.json() == {"ok": True}
    assert list(team.pipeline.stages.order_by("position").values_list("pk", flat=True)) == wanted


def test_a_reorder_missing_a_stage_is_refused(team, client):
    client.force_login(team.admin)
    ids = list(team.pipeline.stages.values_list("pk", flat=True))

    response = client.post(
        f"/settings/pipelines/{team.pipeline.pk}/stages/order/", {"stage_ids": ids[1:]}
    )

    assert response.status_code == 400
    assert response.json()["message"]


def test_deleting_a_stage_with_deals_asks_where_they_go(team, client):
    client.force_login(team.admin)
    deal = deal_create(organization=team.organization, actor=team.admin, title="A")
    lead, contacted = team.stage("Lead"), team.stage("Contacted")

    page = client.get(f"/settings/stages/{lead.pk}/delete/").content.decode()
    refused = client.post(f"/settings/stages/{lead.pk}/delete/", {}).content.decode()
    client.post(f"/settings/stages/{lead.pk}/delete/", {"move_deals_to": contacted.pk})

    assert "1 deal" in page
    assert 'id="id_move_deals_to_error"' in refused
    assert not Stage.objects.filter(pk=lead.pk).exists()
    assert Deal.objects.get(pk=deal.pk).stage == contacted


def test_a_business_developer_cannot_change_pipelines(team, client):
    client.force_login(team.bidi)
    lead = team.stage("Lead")

    assert client.get("/settings/pipelines/").status_code == 403
    assert client.post("/settings/pipelines/", {"name": "X"}).status_code == 403
    assert client.post(f"/settings/stages/{lead.pk}/delete/").status_code == 403
    assert Stage.objects.filter(pk=lead.pk).exists()
