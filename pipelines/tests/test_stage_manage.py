from __future__ import annotations

import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from pipelines.models import DealStageChange, Pipeline, Stage
from pipelines.services.deals import deal_create
from pipelines.services.pipelines import pipeline_create, pipeline_delete, pipeline_update
from pipelines.services.stages import stage_create, stage_delete, stage_update, stages_reorder


def _names(pipeline) -> list[str]:
    return list(pipeline.stages.order_by("position").values_list("name", flat=True))


def test_create_at_a_position_shifts_the_rest(team):
    stage = stage_create(
        pipeline=team.pipeline, actor=team.admin, name="Demo", probability=50, position=3
    )
    assert _names(team.pipeline)[2:5] == ["Engaged", "Demo", "Meeting"]
    assert list(
        team.pipeline.stages.values_list("position", flat=True).order_by("position")
    ) == list(range(8))
    assert stage.rotting_days is None and stage.kind == "open"
    event = Event.objects.filter(name="pipeline.updated").latest("id")
    assert [s["name"] for s in event.payload["pipeline"]["stages"]][3] == "Demo"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"probability": 101}, "probability"),
        ({"probability": "half"}, "probability"),
        ({"kind": "maybe"}, "kind"),
        ({"rotting_days": 0}, "rotting_days"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_stage_values(team, data, field):
    with pytest.raises(ValidationError) as caught:
        stage_update(stage=team.stage("Lead"), actor=team.admin, data=data)
    assert list(caught.value.fields) == [field]


def test_update_and_reorder(team):
    stage = stage_update(
        stage=team.stage("Lead"), actor=team.admin, data={"name": "Inbound", "rotting_days": ""}
    )
    assert stage.name == "Inbound" and stage.rotting_days is None
    ids = list(team.pipeline.stages.order_by("-position").values_list("pk", flat=True))
    stages_reorder(pipeline=team.pipeline, actor=team.admin, stage_ids=ids)
    assert _names(team.pipeline)[0] == "Lost"
    with pytest.raises(ValidationError):
        stages_reorder(pipeline=team.pipeline, actor=team.admin, stage_ids=ids[:-1])


def test_deleting_a_stage_with_deals_asks_where_to(team):
    lead, meeting = team.stage("Lead"), team.stage("Meeting")
    existing = deal_create(
        organization=team.organization, actor=team.bidi, title="M", stage=meeting
    )
    deals = [deal_create(organization=team.organization, actor=team.bidi, title=t) for t in "AB"]
    with pytest.raises(ValidationError) as caught:
        stage_delete(stage=lead, actor=team.admin)
    assert list(caught.value.fields) == ["move_deals_to"]
    other_pipeline = pipeline_create(organization=team.organization, actor=team.admin, name="P2")
    with pytest.raises(ValidationError):
        stage_delete(stage=lead, actor=team.admin, move_deals_to=other_pipeline.stages.first())
    stage_delete(stage=lead, actor=team.admin, move_deals_to=meeting)
    assert not Stage.objects.filter(pk=lead.pk).exists()
    column = list(meeting.deals.order_by("rank", "id").values_list("title", flat=True))
    assert column == ["M", "B", "A"]  # moved below, in their order
    assert existing.pk in meeting.deals.values_list("pk", flat=True)
    for deal in deals:
        deal.refresh_from_db()
        assert deal.version == 2
        assert DealStageChange.objects.filter(deal=deal, to_stage=meeting).exists()
    assert _names(team.pipeline)[0] == "Contacted"
    assert list(
        team.pipeline.stages.values_list("position", flat=True).order_by("position")
    ) == list(range(6))


def test_pipelines_create_default_switch_and_delete(team):
    second = pipeline_create(
        organization=team.organization,
        actor=team.owner,
        name="Partnerships",
        stages=[
            {"name": "Intro", "probability": 10},
            {"name": "Signed", "probability": 100, "kind": "won"},
        ],
    )
    assert not second.is_default and _names(second) == ["Intro", "Signed"]
    pipeline_update(pipeline=second, actor=team.owner, data={"is_default": True})
    assert list(Pipeline.objects.filter(organization=team.organization, is_default=True)) == [
        second
    ]
    with pytest.raises(ValidationError):
        pipeline_delete(pipeline=second, actor=team.owner)  # the default
    deal_create(organization=team.organization, actor=team.bidi, title="x", pipeline=team.pipeline)
    with pytest.raises(ValidationError):
        pipeline_delete(pipeline=team.pipeline, actor=team.owner)  # holds deals
    third = pipeline_create(organization=team.organization, actor=team.owner, name="Empty")
    pipeline_delete(pipeline=third, actor=team.owner)
    assert not Pipeline.objects.filter(pk=third.pk).exists()


def test_bad_stage_list_names_the_stage(team):
    with pytest.raises(ValidationError) as caught:
        pipeline_create(
            organization=team.organization,
            actor=team.owner,
            name="Bad",
            stages=[{"name": "ok", "probability": 5}, {"name": "x", "probability": 500}],
        )
    assert list(caught.value.fields) == ["stages[1].probability"]


def test_only_managers_configure(team):
    with pytest.raises(PermissionDenied):
        stage_create(pipeline=team.pipeline, actor=team.bidi, name="x", probability=1)
    with pytest.raises(PermissionDenied):
        pipeline_create(organization=team.organization, actor=team.bidi, name="x")
