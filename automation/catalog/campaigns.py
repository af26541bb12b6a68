"""The catalogue's campaign events and the objects their payloads carry.

Kept apart from ``entries.py`` and ``objects.py`` (which ``automation.catalog`` merges them
into) so the catalogue grows by domain instead of one ever longer file.
"""

from __future__ import annotations

from automation.catalog.types import EventType, ObjectShape

CAMPAIGN_OBJECTS: dict[str, ObjectShape] = {
    "campaign": ObjectShape(
        "An outreach campaign (its steps are not included).",
        {
            "id": "int",
            "name": "str",
            "status": "str",
            "channel": "str",
            "bot": "int|null",
            "launched_at": "datetime|null",
            "finished_at": "datetime|null",
        },
        {
            "id": 9,
            "name": "Q3 founders outreach",
            "status": "running",
            "channel": "telegram",
            "bot": 2,
            "launched_at": "2026-01-05T09:00:00+00:00",
            "finished_at": None,
        },
    ),
    "campaign_recipient": ObjectShape(
        "A contact enrolled in a campaign and where its sequence stands.",
        {
            "id": "int",
            "campaign": "int",
            "contact": "int",
            "chat": "int|null",
            "status": "str",
            "reason": "str",
            "next_position": "int",
            "replied_at": "datetime|null",
        },
        {
            "id": 310,
            "campaign": 9,
            "contact": 42,
            "chat": 21,
            "status": "replied",
            "reason": "",
            "next_position": 1,
            "replied_at": "2026-01-06T14:12:00+00:00",
        },
    ),
}

_CAMPAIGN = {"campaign": "campaign"}

CAMPAIGN_EVENTS: list[EventType] = [
    EventType("campaign.created", 1, "A campaign was created (as a draft).", _CAMPAIGN),
    EventType(
        "campaign.updated",
        1,
        "A campaign's settings, audience or steps changed.",
        {"campaign": "campaign", "changed": "list[str]"},
    ),
    EventType(
        "campaign.launched",
        1,
        "A campaign was launched: its audience was enrolled (reachable and unreachable counts).",
        {"campaign": "campaign", "enrolled": "int", "unreachable": "int"},
    ),
    EventType("campaign.paused", 1, "A running campaign was paused.", _CAMPAIGN),
    EventType("campaign.resumed", 1, "A paused campaign was resumed.", _CAMPAIGN),
    EventType(
        "campaign.completed", 1, "Every sequence of a campaign is done (or it ended).", _CAMPAIGN
    ),
    EventType("campaign.cancelled", 1, "A campaign was cancelled.", _CAMPAIGN),
    EventType("campaign.deleted", 1, "A draft campaign was deleted.", _CAMPAIGN),
    EventType(
        "campaign.replied",
        1,
        "A contact replied to a campaign message; their sequence stops (unless the campaign "
        "continues after replies).",
        {
            "campaign": "campaign",
            "recipient": "campaign_recipient",
            "contact": "contact",
            "message": "message",
        },
        "message.view",
    ),
    EventType(
        "campaign.opted_out",
        1,
        "A contact answered with an opt-out word: every sequence stopped and the contact is "
        "marked do-not-contact.",
        {"campaign": "campaign", "recipient": "campaign_recipient", "contact": "contact"},
    ),
    EventType(
        "campaign.send_failed",
        1,
        "A campaign message could not be delivered to a recipient.",
        {"campaign": "campaign", "recipient": "campaign_recipient", "reason": "str"},
    ),
]
