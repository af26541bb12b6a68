"""Demo deals for ``manage.py seed_demo``: a board with cards in every stage of the demo
organization's default pipeline, moved there through the services (so each has a stage history
and the events a real team would leave), a lost deal with its reason, notes, and one stale deal."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import DemoContext, demo_step
from accounts.permissions import Role
from crm.models import Company
from crm.services import notes as note_services
from pipelines.models import Deal, DealStageChange, StageKind
from pipelines.services.deals import deal_create, deal_move
from pipelines.services.pipelines import pipeline_create_default

# title, company name (from crm.demo), value, currency, final stage, close in days, tags
DEALS = (
    ("Pilot: 50 seats", "Lumen Labs", "12000", "USD", "Lead", 75, ["warm"]),
    ("Seed round intro", "Arcadia Ventures", "250000", "USD", "Lead", 120, ["investor"]),
    ("Payments integration", "Tonpay", "40000", "USD", "Contacted", 60, ["partner"]),
    ("Fleet analytics", "Blue Harbor", "18500", "EUR", "Contacted", 90, []),
    ("Robotics data feed", "Helix Robotics", "32000", "EUR", "Engaged", 45, []),
    ("Game launch campaign", "Mosaic Games", "9000", "EUR", "Engaged", 30, ["follow-up"]),
    ("Enterprise licence", "Polaris Bank", "150000", "USD", "Meeting", 40, ["vip"]),
    ("AI copilot pilot", "Kestrel AI", "22000", "EUR", "Meeting", 25, ["warm"]),
    ("Clinic network rollout", "Quanta Health", "64000", "USD", "Proposal", 14, ["vip"]),
    ("Wallet partnership", "Orbit Protocol", "30000", "USD", "Proposal", 10, ["telegram"]),
    ("Series A lead", "Northwind Capital", "500000", "USD", "Won", -5, ["investor"]),
    ("Solar dashboard", "Verdant Energy", "27000", "EUR", "Won", -20, []),
    ("Logistics API", "Blue Harbor", "15000", "EUR", "Lost", -10, ["cold"]),
)  # fmt: skip
NOTES = {
    "Enterprise licence": "Security review scheduled; they need **SSO** and an on-prem option.",
    "Clinic network rollout": "Sent the proposal (v2). Decision expected after their board call.",
    "Logistics API": "Went with an in-house build.",
}


@demo_step("pipelines.deals")
def seed_deals(ctx: DemoContext) -> bool:
    """About a dozen deals over the stages of the default pipeline."""
    organization = ctx.organization
    if organization is None or Deal.objects.filter(organization=organization).exists():
        return False
    pipeline = pipeline_create_default(organization=organization)
    stages = list(pipeline.stages.order_by("position", "id"))
    index = {stage.name: n for n, stage in enumerate(stages)}
    companies = {c.name: c for c in Company.objects.filter(organization=organization)}
    writers = [ctx.users[r] for r in (Role.OWNER, Role.ADMIN, Role.BIDI) if r in ctx.users]
    today = timezone.localdate()
    for n, (title, company_name, value, currency, final, days, tags) in enumerate(DEALS):
        actor = writers[n % len(writers)]
        company = companies.get(company_name)
        deal = deal_create(
            organization=organization,
            actor=actor,
            title=title,
            pipeline=pipeline,
            value=Decimal(value),
            currency=currency,
            owner=actor,
            company=company,
            contacts=list(company.contacts.all()[:2]) if company else [],
            expected_close_date=today + datetime.timedelta(days=days),
            source="Telegram" if "telegram" in tags else "Referral",
            tags=tags,
        )
        # Walk the deal through the open stages up to its final one, like a team would.
        target = stages[index[final]]
        open_stages = [s for s in stages if s.kind == StageKind.OPEN]
        path = open_stages[1 : index[final] + 1]
        if target.kind != StageKind.OPEN:
            path = [*open_stages[1:3], target]
        for stage in path:
            deal = deal_move(
                deal=deal,
                actor=actor,
                stage=stage,
                lost_reason="Chose an in-house build." if stage.kind == StageKind.LOST else "",
            )
        if title in NOTES:
            note_services.note_add(
                organization=organization, actor=actor, body=NOTES[title], deal=deal
            )
    # One deal has sat in "Contacted" for three weeks, so the board shows a stale card.
    stale = Deal.objects.get(organization=organization, title="Fleet analytics")
    entered = timezone.now() - datetime.timedelta(days=21)
    Deal.objects.filter(pk=stale.pk).update(stage_entered_at=entered)
    DealStageChange.objects.filter(deal=stale, to_stage=stale.stage).update(changed_at=entered)
    return True


@demo_step("pipelines.transitions")
def seed_transitions(ctx: DemoContext) -> bool:
    """The built-in automatic transitions of the default pipeline (first reply → Engaged,
    meeting booked → Meeting, payment received → Won), for a demo seeded before they existed."""
    from automation.models import Trigger
    from pipelines.transitions import transitions_ensure

    organization = ctx.organization
    if organization is None:
        return False
    before = Trigger.objects.filter(organization=organization).exclude(builtin="").count()
    pipeline = pipeline_create_default(organization=organization)
    transitions_ensure(organization=organization, pipeline=pipeline)
    return Trigger.objects.filter(organization=organization).exclude(builtin="").count() > before
