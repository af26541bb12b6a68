"""Who a campaign is for, and whether each of them can be reached.

The audience is the contacts list's own filters (a saved view and/or ``crm.filters`` parameters),
so "who will get this" reads exactly like a list the author already knows. Reachability is
decided for the whole audience at once (a handful of queries for 10,000 contacts): launch
snapshots it into recipients, and the preview shows it before launch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from accounts.errors import ValidationError
from campaigns.models import Campaign, Recipient
from crm.filters import ContactFilters
from crm.models import Contact, Entity
from crm.selectors import contacts_list
from messaging.models import Chat, ChatMember, Message

Reason = Recipient.Reason
LIVE = (Campaign.Status.SCHEDULED, Campaign.Status.RUNNING, Campaign.Status.PAUSED)
GROUP_KINDS = (Chat.Kind.GROUP, Chat.Kind.SUPERGROUP)


def _filtered(
    campaign: Campaign, params: dict[str, Any], field: str, user: Any
) -> QuerySet[Contact]:
    if not isinstance(params, dict):
        message = "Filters must be an object of contact list parameters."
        raise ValidationError(message, fields={field: [message]})
    try:
        filters = ContactFilters.from_params(params, organization=campaign.organization, user=user)
    except ValidationError as error:
        messages = [f"{name}: {m}" for name, found in error.fields.items() for m in found]
        raise ValidationError(error.message, fields={field: messages or [error.message]}) from error
    return contacts_list(campaign.organization, filters)


def audience_contacts(campaign: Campaign) -> QuerySet[Contact]:
    """The contacts the campaign targets now (before reachability), in the list's order."""
    contacts = Contact.objects.filter(organization_id=campaign.organization_id)
    view = campaign.audience_view
    if view is not None:
        if view.organization_id != campaign.organization_id or view.entity != Entity.CONTACT:
            message = "Choose a saved view of contacts."
            raise ValidationError(message, fields={"audience_view": [message]})
        # "owner=me" in a view means its owner, as on the contacts page.
        contacts = _filtered(campaign, view.filters, "audience_view", view.owner)
    if campaign.audience_filters:
        narrowed = _filtered(
            campaign,
            campaign.audience_filters,
            "audience_filters",
            campaign.sender or campaign.created_by,
        )
        if view is None:
            contacts = narrowed
        else:
            contacts = contacts.filter(pk__in=narrowed.order_by().values("pk"))
    if campaign.only_never_contacted:
        outbound = Message.objects.filter(
            chat__contact=OuterRef("pk"), direction=Message.Direction.OUT
        )
        contacts = contacts.filter(last_contacted_at__isnull=True).exclude(Exists(outbound))
    return contacts


@dataclass(frozen=True)
class Reachability:
    contact_id: int
    chat_id: int | None  # the chat the campaign writes in; None when unreachable
    reason: str  # a Recipient.Reason value; "" = reachable


def _private_chats(campaign: Campaign, ids: list[int]) -> tuple[dict[int, int], set[int]]:
    """(contact -> open private chat with the campaign's bot, contacts who blocked the bot)."""
    rows = Chat.objects.filter(
        organization_id=campaign.organization_id,
        bot_id=campaign.bot_id,
        kind=Chat.Kind.PRIVATE,
        contact_id__in=ids,
    ).values_list("contact_id", "pk", "is_blocked")
    open_chats: dict[int, int] = {}
    blocked: set[int] = set()
    for contact_id, chat_id, is_blocked in rows.order_by("pk"):
        if is_blocked:
            blocked.add(contact_id)
        else:
            open_chats.setdefault(contact_id, chat_id)
    return open_chats, blocked


def _group_chats(campaign: Campaign, ids: list[int]) -> dict[int, int]:
    """Contact -> a group of the campaign's bot the contact is (still) a member of, the most
    recently active first."""
    rows = (
        ChatMember.objects.filter(
            organization_id=campaign.organization_id,
            contact_id__in=ids,
            left_at__isnull=True,
            chat__bot_id=campaign.bot_id,
            chat__kind__in=GROUP_KINDS,
            chat__is_blocked=False,
        )
        .order_by("contact_id", "-chat__last_message_at", "-chat_id")
        .values_list("contact_id", "chat_id")
    )
    groups: dict[int, int] = {}
    for contact_id, chat_id in rows:
        groups.setdefault(contact_id, chat_id)
    return groups


def classify(campaign: Campaign, contact_ids: Sequence[int]) -> list[Reachability]:
    """Whether and where each contact can be written to, in the order given. Reasons are checked
    in this order: do-not-contact, in another live campaign, bot disconnected, blocked, no chat."""
    ids = list(dict.fromkeys(contact_ids))
    do_not_contact = set(
        Contact.objects.filter(
            organization_id=campaign.organization_id, pk__in=ids, do_not_contact=True
        ).values_list("pk", flat=True)
    )
    elsewhere: set[int] = set()
    if campaign.exclude_in_other_campaigns:
        elsewhere = set(
            Recipient.objects.filter(
                organization_id=campaign.organization_id,
                contact_id__in=ids,
                status=Recipient.Status.ACTIVE,
                campaign__status__in=LIVE,
            )
            .exclude(campaign_id=campaign.pk)
            .values_list("contact_id", flat=True)
        )
    bot = campaign.bot
    connected = bot is not None and bot.is_active
    private, blocked, groups = ({}, set(), {})
    if connected:
        private, blocked = _private_chats(campaign, ids)
        groups = _group_chats(campaign, ids)
    result = []
    for contact_id in ids:
        chat_id = private.get(contact_id) or groups.get(contact_id)
        if contact_id in do_not_contact:
            reason = Reason.DO_NOT_CONTACT
        elif contact_id in elsewhere:
            reason = Reason.OTHER_CAMPAIGN
        elif not connected:
            reason = Reason.BOT_DISCONNECTED
        elif chat_id is None:
            reason = Reason.BLOCKED if contact_id in blocked else Reason.NO_CHAT
        else:
            reason = Reason.NONE
        result.append(
            Reachability(
                contact_id=contact_id,
                chat_id=chat_id if reason == Reason.NONE else None,
                reason=str(reason),
            )
        )
    return result


@dataclass(frozen=True)
class AudiencePreview:
    total: int
    reachable: int
    unreachable: dict[str, int]  # reason -> contacts
    sample: list[tuple[Contact, str]]  # the first contacts with their reason ("" = reachable)


def audience_preview(campaign: Campaign, *, sample: int = 10) -> AudiencePreview:
    """Who would be enrolled if the campaign launched now, for the editor and launch checks."""
    ids = list(audience_contacts(campaign).values_list("pk", flat=True))
    reachability = classify(campaign, ids)
    reasons = Counter(r.reason for r in reachability if r.reason)
    first = reachability[:sample]
    contacts = Contact.objects.in_bulk([r.contact_id for r in first])
    return AudiencePreview(
        total=len(ids),
        reachable=len(ids) - sum(reasons.values()),
        unreachable=dict(reasons),
        sample=[(contacts[r.contact_id], r.reason) for r in first if r.contact_id in contacts],
    )
