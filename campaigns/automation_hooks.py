"""What campaigns plug into triggers (``automation.registry``). Registered from
``CampaignsConfig.ready()``.

campaign.* events carry their campaign (and, for replies and opt-outs, the recipient and the
contact): the "campaign" subject exposes the campaign's fields to conditions, and since the
payload holds ``contact``, crm's "contact" subject and pipelines' "deal" subject (the
contact's open deal) resolve for campaign.replied as they do for any event about a contact.
So "campaign.replied → move the contact's open deal to Engaged" needs nothing more here.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Organization
from automation.action_params import id_of
from automation.catalog import CATALOG
from automation.registry import FieldSpec, Subject, register_subject
from campaigns.models import Campaign, Recipient

CAMPAIGN_EVENTS = frozenset(name for name in CATALOG if name.startswith("campaign."))


def _campaign_choices(organization: Organization) -> list[tuple[str, str]]:
    rows = Campaign.objects.filter(organization=organization).order_by("name", "pk")
    return [(str(pk), name) for pk, name in rows.values_list("pk", "name")]


def campaign_resolve(organization: Organization, context: dict[str, Any]) -> dict[str, Any] | None:
    """The campaign of a campaign.* event, with the recipient's step and status when the event
    is about one (from the payload: no query)."""
    payload = context.get("payload") or {}
    campaign = payload.get("campaign")
    if not isinstance(campaign, dict) or not id_of(campaign.get("id")):
        return None
    recipient = payload.get("recipient") if isinstance(payload.get("recipient"), dict) else {}
    return {
        "id": campaign["id"],
        "name": campaign.get("name") or "",
        "status": campaign.get("status") or "",
        "recipient_status": recipient.get("status") or "",
        # The step the recipient answered: the last one sent.
        "step": max((recipient.get("next_position") or 0), 1) if recipient else None,
    }


CAMPAIGN_SUBJECT = Subject(
    key="campaign",
    label="Campaign",
    fields=(
        FieldSpec("campaign.id", "Campaign", "choice", _campaign_choices),
        FieldSpec("campaign.name", "Campaign name"),
        FieldSpec(
            "campaign.status", "Campaign status", "choice", lambda o: list(Campaign.Status.choices)
        ),
        FieldSpec(
            "campaign.recipient_status",
            "Recipient status",
            "choice",
            lambda o: list(Recipient.Status.choices),
        ),
        FieldSpec("campaign.step", "Step replied to (1 = first)", "number"),
    ),
    resolve=campaign_resolve,
    events=CAMPAIGN_EVENTS,
)


def register() -> None:
    """Register the campaign subject."""
    register_subject(CAMPAIGN_SUBJECT)
