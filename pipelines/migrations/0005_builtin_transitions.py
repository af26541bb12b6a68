"""Give every organization that existed before automations its built-in deal transitions.

New organizations get them with their default pipeline (``pipelines.transitions``); this is a
frozen copy of ``transition_definitions`` (migrations must not import app code). An
organization whose default pipeline lacks a transition's stages (renamed or deleted) does not
get that transition; one that already has a built-in keeps it. Reversing deletes them.
"""

from django.db import migrations
from django.utils import timezone

KEYS = ("transition.first_reply", "transition.meeting_booked", "transition.payment_received")
BOOKING_LINKS = ("calendly.com", "cal.com", "meet.google.com", "zoom.us/j", "teams.microsoft.com")


def _definitions(stages):
    """{key: (name, description, event name, conditions, target stage id)} for the stage ids
    ``stages`` ({lower-case name: id}) of a default pipeline."""

    def ids(*names):
        found = [stages.get(name.lower()) for name in names]
        return None if None in found else [str(pk) for pk in found]

    found = {}
    early, engaged = ids("Lead", "Contacted"), ids("Engaged")
    if early and engaged:
        found["transition.first_reply"] = (
            "First reply → Engaged",
            "When a prospect replies to a deal in Lead or Contacted, move it to Engaged.",
            "message.received",
            [
                {"field": "message.direction", "op": "equals", "value": "in"},
                {"field": "deal.stage_id", "op": "in", "value": early},
            ],
            engaged[0],
        )
    before_meeting, meeting = ids("Lead", "Contacted", "Engaged"), ids("Meeting")
    if before_meeting and meeting:
        found["transition.meeting_booked"] = (
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
            meeting[0],
        )
    won = ids("Won")
    if won:
        found["transition.payment_received"] = (
            "Payment received → Won",
            "When a payment is recorded on an open deal, mark it won.",
            "payment.received",
            [{"field": "deal.stage_kind", "op": "equals", "value": "open"}],
            won[0],
        )
    return found


def create_transitions(apps, schema_editor):
    Pipeline = apps.get_model("pipelines", "Pipeline")
    Stage = apps.get_model("pipelines", "Stage")
    Trigger = apps.get_model("automation", "Trigger")
    now = timezone.now()
    for pipeline in Pipeline.objects.filter(is_default=True).iterator():
        stages = {
            name.lower(): pk
            for pk, name in Stage.objects.filter(pipeline=pipeline).values_list("pk", "name")
        }
        have = set(
            Trigger.objects.filter(
                organization_id=pipeline.organization_id, builtin__in=KEYS
            ).values_list("builtin", flat=True)
        )
        Trigger.objects.bulk_create(
            Trigger(
                organization_id=pipeline.organization_id,
                name=name,
                description=description,
                enabled=True,
                when="event",
                event_name=event_name,
                conditions={"all": conditions},
                actions=[{"type": "deal.move_to_stage", "params": {"stage": int(stage)}}],
                builtin=key,
                created_at=now,
                updated_at=now,
            )
            for key, (name, description, event_name, conditions, stage) in _definitions(
                stages
            ).items()
            if key not in have
        )


def delete_transitions(apps, schema_editor):
    Trigger = apps.get_model("automation", "Trigger")
    Trigger.objects.filter(builtin__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pipelines", "0004_deal_payments"),
        ("automation", "0004_triggers_webhooks_idempotency"),
    ]

    operations = [migrations.RunPython(create_transitions, delete_transitions)]
