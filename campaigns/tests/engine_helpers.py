"""Building running campaigns for the engine's tests (recipients made directly, as launch
would have left them)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory
from campaigns.models import ALL_WEEKDAYS, Campaign, Recipient
from campaigns.tests.factories import (
    CampaignFactory,
    CampaignStepFactory,
    RecipientFactory,
    StepVariantFactory,
)
from messaging.tests.factories import ChatFactory, TelegramBotFactory

# A window open at every hour of every day (window_end is exclusive).
ALWAYS_OPEN = {
    "window_days": ALL_WEEKDAYS,
    "window_start": datetime.time(0),
    "window_end": datetime.time(23, 59, 59, 999999),
}


@dataclass(frozen=True)
class Step:
    body: str = 'Hi {{ contact.first_name | default:"there" }}!'
    delay_minutes: int = 0
    only_if_no_reply: bool = True
    variants: Sequence[tuple[str, int]] = ()  # (body, weight) pairs instead of ``body``


def running_campaign(
    *,
    recipients: int = 3,
    steps: Sequence[Step] = (Step(),),
    token: str | None = None,
    status: str = Campaign.Status.RUNNING,
    organization: Organization | None = None,
    **fields,
) -> Campaign:
    organization = organization or OrganizationFactory()
    bot_fields = {"token": token, "telegram_id": int(token.split(":")[0])} if token else {}
    bot = TelegramBotFactory(organization=organization, **bot_fields)
    now = timezone.now()
    campaign = CampaignFactory(
        organization=organization,
        bot=bot,
        status=status,
        launched_at=now,
        **(ALWAYS_OPEN | fields),
    )
    for position, step in enumerate(steps):
        row = CampaignStepFactory(
            campaign=campaign,
            position=position,
            delay_minutes=step.delay_minutes,
            only_if_no_reply=step.only_if_no_reply,
        )
        for label, (body, weight) in zip("ABCD", step.variants or [(step.body, 100)], strict=False):
            StepVariantFactory(step=row, label=label, body=body, weight=weight)
    for _ in range(recipients):
        add_recipient(campaign)
    return campaign


def add_recipient(campaign: Campaign, **fields) -> Recipient:
    chat = ChatFactory(bot=campaign.bot, organization=campaign.organization)
    values = {"contact": chat.contact, "chat": chat, "next_send_at": timezone.now()}
    return RecipientFactory(
        campaign=campaign, organization=campaign.organization, **(values | fields)
    )
