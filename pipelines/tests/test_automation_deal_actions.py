"""The deal trigger actions run through the deal services as the trigger's member: moving to a
stage, assigning an owner, adding a note; previews write nothing."""

from __future__ import annotations

import pytest

from accounts.errors import ValidationError
from automation.models import Event
from automation.registry import ActionError
from automation.tests.action_runs import action_context, preview_action, run_action
from crm.models import Note
from pipelines.models import DealStageChange, DealVia
from pipelines.services.deals import deal_create, deal_payload
from pipelines.tests.factories import PipelineFactory, StageFactory


def _deal(team, stage="Lead"):
    return deal_create(
        organization=team.organization,
        actor=team.owner,
        title="Acme pilot",
        stage=team.stage(stage),
    )


def _ctx(team, deal, actor=None, **kwargs):
    return action_context(
        team.organization,
        actor or team.owner,
        "deal.updated",
        {"deal": deal_payload(deal), "changed": ["title"]},
        **kwargs,
    )


def test_move_to_stage_moves_the_deal_as_the_automation(team):
    deal = _deal(team)

    result = run_action("deal.move_to_stage", _ctx(team, deal), {"stage": team.stage("Engaged").pk})

    deal.refresh_from_db()
    assert deal.stage == team.stage("Engaged")
    assert result == "Moved “Acme pilot” to Engaged."
    change = DealStageChange.objects.filter(deal=deal).first()
    assert (change.via, change.actor) == (DealVia.AUTOMATION, team.owner)
    assert Event.objects.filter(name="deal.stage_changed").count() == 1


def test_moving_to_the_stage_the_deal_is_in_changes_nothing(team):
    deal = _deal(team, "Engaged")
    version = deal.version

    result = run_action(
        "deal.move_to_stage", _ctx(team, deal), {"stage": str(team.stage("Engaged").pk)}
    )

    deal.refresh_from_db()
    assert result.startswith("Already in Engaged")
    assert deal.version == version
    assert not Event.objects.filter(name__in=["deal.moved", "deal.stage_changed"]).exists()


def test_a_stage_of_another_pipeline_fails_the_action(team):
    deal = _deal(team)
    other = StageFactory(
        organization=team.organization,
        pipeline=PipelineFactory(organization=team.organization, name="Partners"),
        name="Signed",
    )

    with pytest.raises(ActionError, match="stage of Partners"):
        run_action("deal.move_to_stage", _ctx(team, deal), {"stage": other.pk})

    deal.refresh_from_db()
    assert deal.stage == team.stage("Lead")


def test_saving_a_stage_of_another_organization_is_refused(team):
    foreign = StageFactory()

    with pytest.raises(ValidationError) as error:
        run_action("deal.move_to_stage", _ctx(team, _deal(team)), {"stage": foreign.pk})

    assert "stage" in error.value.fields


def test_an_event_without_a_deal_fails_with_a_readable_message(team):
    ctx = action_context(team.organization, team.owner, "organization.updated", {})

    with pytest.raises(ActionError, match="no deal"):
        run_action("deal.move_to_stage", ctx, {"stage": team.stage("Won").pk})


def test_a_viewer_trigger_cannot_move_deals(team):
    deal = _deal(team)

    with pytest.raises(ActionError, match="permission"):
        run_action(
            "deal.move_to_stage",
            _ctx(team, deal, actor=team.viewer),
            {"stage": team.stage("Engaged").pk},
        )


def test_the_preview_says_what_would_happen_and_moves_nothing(team):
    deal = _deal(team)

    text = preview_action(
        "deal.move_to_stage", _ctx(team, deal, dry_run=True), {"stage": team.stage("Meeting").pk}
    )

    deal.refresh_from_db()
    assert text == "Would move “Acme pilot” to Meeting."
    assert deal.stage == team.stage("Lead")


def test_assign_owner_gives_the_deal_to_the_member(team):
    deal = _deal(team)

    result = run_action("deal.assign_owner", _ctx(team, deal), {"owner": team.bidi.pk})

    deal.refresh_from_db()
    assert deal.owner == team.bidi
    assert team.bidi.email in result
    assert Event.objects.get(name="deal.updated").payload["changed"] == ["owner"]


def test_assign_owner_refuses_a_non_member_when_saved(team, make_member):
    stranger = make_member("owner").user

    with pytest.raises(ValidationError) as error:
        run_action("deal.assign_owner", _ctx(team, _deal(team)), {"owner": stranger.pk})

    assert "owner" in error.value.fields


def test_add_note_renders_placeholders_into_the_deals_note(team):
    deal = _deal(team)

    run_action(
        "deal.add_note", _ctx(team, deal), {"body": "Stage: {{ deal.stage_name }} ({{ x.y }})"}
    )

    note = Note.objects.get(deal=deal)
    assert note.body == "Stage: Lead ()"
    assert note.author == team.owner


def test_the_form_builder_offers_the_deal_actions_with_stage_choices(team):
    import json

    from automation.triggers.builder import builder_schema

    schema = builder_schema(team.organization)

    json.dumps(schema)  # serialisable as the form builder receives it
    actions = {action["key"]: action for action in schema["actions"]}
    assert {"deal.move_to_stage", "contact.add_tag", "chat.assign", "draft.generate"} <= set(
        actions
    )
    [stage] = actions["deal.move_to_stage"]["params"]
    assert [str(team.stage("Engaged").pk), "Business development · Engaged"] in [
        list(choice) for choice in stage["choices"]
    ]
    sources = {source["key"] for source in schema["time_sources"]}
    assert {"chat.no_reply", "deal.in_stage"} <= sources
