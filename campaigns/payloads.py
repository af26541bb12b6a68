"""Campaigns and recipients as event payloads carry them (automation/catalog/campaigns.py)."""

from __future__ import annotations

from typing import Any

from campaigns.models import Campaign, Recipient


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def campaign_payload(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "channel": campaign.channel,
        "bot": campaign.bot_id,
        "launched_at": _iso(campaign.launched_at),
        "finished_at": _iso(campaign.finished_at),
    }


def recipient_payload(recipient: Recipient) -> dict[str, Any]:
    return {
        "id": recipient.pk,
        "campaign": recipient.campaign_id,
        "contact": recipient.contact_id,
        "chat": recipient.chat_id,
        "status": recipient.status,
        "reason": recipient.reason,
        "next_position": recipient.next_position,
        "replied_at": _iso(recipient.replied_at),
    }
