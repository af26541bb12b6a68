"""A draft campaign a launch would accept: a bot, a contact who started it (tagged "founders")
and one step, built through the services as a user would through the builder."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_create, campaign_steps_set
from crm.models import Contact
from crm.tests.factories import ContactFactory, TagFactory
from messaging.models import TelegramBot
from messaging.tests.factories import ChatFactory, TelegramBotFactory


@dataclass
class Ready:
    campaign: Campaign
    bot: TelegramBot
    contact: Contact


def ready_campaign(member, *, name: str = "Founders outreach") -> Ready:
    organization = member.organization
    bot = TelegramBotFactory(organization=organization)
    tag = TagFactory(organization=organization, name="founders")
    contact = ContactFactory(organization=organization, first_name="Ada", last_name="Lovelace")
    contact.tags.add(tag)
    ChatFactory(organization=organization, bot=bot, contact=contact)
    campaign = campaign_create(
        organization=organization,
        actor=member.user,
        data={
            "name": name,
            "bot": bot,
            "audience_filters": {"tag": "founders"},
            "window_days": [0, 1, 2, 3, 4, 5, 6],
            "window_start": "00:00",
            "window_end": "23:59",
        },
    )
    campaign_steps_set(
        campaign=campaign,
        actor=member.user,
        steps=[
            {
                "delay_minutes": 0,
                "only_if_no_reply": True,
                "variants": [{"label": "A", "body": "Hi {{ contact.first_name }}", "weight": 100}],
            }
        ],
    )
    return Ready(campaign=campaign, bot=bot, contact=contact)
