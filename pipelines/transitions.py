"""Built-in automatic deal transitions: ordinary triggers the product creates for an
organization's default pipeline, which members may edit or disable like their own.

- "transition.first_reply": the prospect's first inbound message moves a deal in Lead or
  Contacted to Engaged;
- "transition.meeting_booked": an inbound message with a booking link (Calendly, Cal.com,
  Google Meet, Zoom, Teams) moves a deal in Lead, Contacted or Engaged to Meeting;
- "transition.payment_received": a payment recorded on an open deal moves it to Won.

Stages are found by name in the default pipeline; a transition whose stages a manager renamed
or deleted is not created. Created with the default pipeline (``pipeline_create_default``), for
organizations that existed before by migration 0005, and in demo data. The definitions are
built by ``transition_definitions``; migration 0005 holds a frozen copy.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Organization
from pipelines.models import Pipeline

BOOKING_LINKS = (
    "calendly.com",
    "cal.com",
    "meet.google.com",
    "zoom.us/j",
    "teams.microsoft.com",
)


def _definition(
    name: str, description: str, event_name: str, conditions: list, stage_id: int
) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "enabled": True,
        "when": "event",
        "event_name": event_name,
        "conditions": {"all": conditions},
        "actions": [{"type": "deal.move_to_stage", "params": {"stage": str(stage_id)}}],
    }


def transition_definitions(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    """{builtin key: trigger data} for ``pipeline``'s stages (by their default names)."""
    stages = {stage.name.casefold(): stage.pk for stage in pipeline.stages.all()}

    def ids(*names: str) -> list[str] | None:
        found = [stages.get(name.casefold()) for name in names]
        return None if None in found else [str(pk) for pk in found]

    definitions: dict[str, dict[str, Any]] = {}
    early, engaged = ids("Lead", "Contacted"), ids("Engaged")
    if early and engaged:
        definitions["transition.first_reply"] = _definition(
            "First reply → Engaged",
            "When a prospect replies to a deal in Lead or Contacted, move it to Engaged.",
            "message.received",
            [
                {"field": "message.direction", "op": "equals", "value": "in"},
                {"field": "deal.stage_id", "op": "in", "value": early},
            ],
            int(engaged[0]),
        )
    before_meeting, meeting = ids("Lead", "Contacted", "Engaged"), ids("Meeting")
    if before_meeting and meeting:
        definitions["transition.meeting_booked"] = _definition(
            "Meeting booked → Meeting",
            "When a prospect sends a booking link (Calendly, Cal.com, Google Meet, Zoom, "
            "Teams), move the deal to Meeting.",
            "message.received",
            [
                {
                    "any": [
                        {"field": "message.text", "op": "contains", "value": link}
                        for link in BOOKING_LINKS
                    ]
                },
                {"field": "deal.stage_id", "op": "in", "value": before_meeting},
            ],
            int(meeting[0]),
        )
    won = ids("Won")
    if won:
        definitions["transition.payment_received"] = _definition(
            "Payment received → Won",
            "When a payment is recorded on an open deal, mark it won.",
            "payment.received",
            [{"field": "deal.stage_kind", "op": "equals", "value": "open"}],
            int(won[0]),
        )
    return definitions


def transitions_ensure(*, organization: Organization, pipeline: Pipeline) -> list[Any]:
    """Create the built-in transitions of ``pipeline`` (the default one) that do not exist;
    existing ones are left as members edited them. Returns the triggers."""
    from automation.triggers.services import trigger_builtin_ensure

    return [
        trigger_builtin_ensure(organization=organization, key=key, data=data)
        for key, data in transition_definitions(pipeline).items()
    ]
