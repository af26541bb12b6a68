"""Demo campaign for ``manage.py seed_demo``: one draft, built through the services, so a
newcomer opens the builder already filled in — an audience by tag, two steps, an A/B test on the
first — and can review the launch check (which asks to connect a real bot) without sending
anything."""

from __future__ import annotations

from accounts.demo import DemoContext, demo_step
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_create, campaign_steps_set
from messaging.models import TelegramBot

NAME = "Warm leads: intro sequence"
STEPS = [
    {
        "delay_minutes": 0,
        "only_if_no_reply": True,
        "variants": [
            {
                "label": "A",
                "body": 'Hi {{ contact.first_name | default:"there" }}! I\'m '
                "{{ sender.first_name }} from the BiDi demo team. Would a 15-minute call "
                'next week about {{ company.name | default:"your team" }} make sense?',
                "weight": 50,
            },
            {
                "label": "B",
                "body": 'Hello {{ contact.first_name | default:"there" }}, quick question: '
                'who handles partnerships at {{ company.name | default:"your company" }}?',
                "weight": 50,
            },
        ],
    },
    {
        "delay_minutes": 3 * 24 * 60,
        "only_if_no_reply": True,
        "variants": [
            {
                "label": "A",
                "body": 'Following up, {{ contact.first_name | default:"there" }}: happy to '
                "send a short deck instead if that is easier.",
                "weight": 100,
            }
        ],
    },
]


@demo_step("campaigns.outreach")
def seed_campaign(ctx: DemoContext) -> bool:
    """One draft campaign to the contacts tagged "warm"."""
    organization = ctx.organization
    if organization is None or Campaign.objects.filter(organization=organization).exists():
        return False
    # The demo bot is not connected to Telegram: the launch check says so, which is the point.
    bot = TelegramBot.objects.filter(organization=organization).order_by("-is_active", "pk").first()
    campaign = campaign_create(
        organization=organization,
        actor=ctx.owner,
        data={
            "name": NAME,
            "description": "Two steps, an A/B test on the first. A draft: review it, then launch.",
            "bot": bot,
            "audience_filters": {"tag": "warm"},
            "daily_cap": 50,
        },
    )
    campaign_steps_set(campaign=campaign, actor=ctx.owner, steps=STEPS)
    ctx.notes.append(f"Campaigns: a draft “{NAME}” to show the builder.")
    return True
