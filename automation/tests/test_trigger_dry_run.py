"""The simulator shows which conditions pass and what actions would do, and writes nothing."""

import pytest

from accounts.errors import NotFound, ValidationError
from automation.catalog import sample_payload
from automation.models import Event, Trigger, TriggerRun
from automation.registry import ActionType, register_action
from automation.tests.factories import EventFactory, TriggerFactory
from automation.tests.trigger_actions import recording_action
from automation.triggers.dry_run import trigger_dry_run

DEFINITION = {
    "name": "Welcome",
    "event_name": "contact.created",
    "conditions": {"any": [{"field": "payload.contact.source", "op": "in", "value": ["web"]}]},
    "actions": [{"type": "test.record", "params": {"note": "for {{ payload.contact.source }}"}}],
}


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


def test_a_dry_run_previews_the_actions_instead_of_running_them(make_member, action):
    member = make_member("viewer")  # reading is enough to simulate

    result = trigger_dry_run(
        organization=member.organization,
        actor=member.user,
        data=DEFINITION,
        payload={"contact": {"id": 1, "source": "web"}},
    )

    assert result.passed
    assert result.conditions[0]["passed"] is True
    assert result.actions == [
        {
            "index": 0,
            "type": "test.record",
            "label": "Record the call (tests)",
            "would": "Would record for web",
            "error": "",
        }
    ]
    assert action.calls == []
    assert result.context["payload"] == {"contact": {"id": 1, "source": "web"}}


def test_a_dry_run_writes_nothing_even_when_a_preview_does(make_member, action):
    member = make_member("admin")
    organization = member.organization

    def sloppy_preview(ctx, params):
        Trigger.objects.create(organization=organization, name="written by a preview")
        return "Would do it"

    register_action(
        ActionType(
            key="test.sloppy",
            label="Sloppy",
            needs=(),
            params=(),
            run=sloppy_preview,
            preview=sloppy_preview,
        )
    )
    try:
        result = trigger_dry_run(
            organization=organization,
            actor=member.user,
            data={**DEFINITION, "actions": [{"type": "test.sloppy"}]},
            payload={"contact": {"id": 1, "source": "web"}},
        )
    finally:
        from automation import registry

        registry._registry.actions.pop("test.sloppy")

    assert result.actions[0]["would"] == "Would do it"
    assert not Trigger.objects.exists()
    assert not TriggerRun.objects.exists()
    assert not Event.objects.exists()


def test_a_saved_trigger_is_tried_on_its_events_newest_first(make_member, action):
    member = make_member("admin")
    trigger = TriggerFactory(
        organization=member.organization,
        conditions=DEFINITION["conditions"],
        actions=DEFINITION["actions"],
    )
    EventFactory(
        organization=member.organization,
        name="contact.created",
        payload={"contact": {"source": "web"}},
    )
    EventFactory(
        organization=member.organization,
        name="contact.created",
        payload={"contact": {"source": "import"}},
    )

    result = trigger_dry_run(organization=member.organization, actor=member.user, trigger=trigger)

    assert result.passed is False
    assert result.conditions[0]["actual"] == "import"


def test_an_action_that_needs_a_missing_subject_says_so(make_member):
    member = make_member("admin")
    register_action(
        ActionType(
            key="test.deal_only",
            label="Deal only",
            needs=("deal",),
            params=(),
            run=lambda ctx, params: "",
            preview=lambda ctx, params: "Would move",
        )
    )
    try:
        result = trigger_dry_run(
            organization=member.organization,
            actor=member.user,
            data={**DEFINITION, "actions": [{"type": "test.deal_only"}]},
            payload={},
        )
    finally:
        from automation import registry

        registry._registry.actions.pop("test.deal_only")

    assert result.actions[0]["would"] == ""
    assert "no deal" in result.actions[0]["error"]


def test_an_unsaved_definition_is_validated_like_a_save(make_member, action):
    member = make_member("admin")

    with pytest.raises(ValidationError) as caught:
        trigger_dry_run(
            organization=member.organization, actor=member.user, data={**DEFINITION, "name": ""}
        )

    assert "name" in caught.value.fields


def test_a_stranger_cannot_dry_run(make_member, action):
    member, stranger = make_member("admin"), make_member("admin")

    with pytest.raises(NotFound):
        trigger_dry_run(organization=member.organization, actor=stranger.user, data=DEFINITION)


def test_without_a_past_event_the_catalogues_sample_is_used(make_member, action):
    member = make_member("admin")

    result = trigger_dry_run(organization=member.organization, actor=member.user, data=DEFINITION)

    assert result.context["payload"] == sample_payload("contact.created")
    assert result.actions[0]["error"] == ""
