"""What happens to campaign messages after they were queued: delivery (message.sent /
message.failed), replies and opt-outs (message.received). Called by ``campaigns.subscribers``
with a dispatch batch of events at a time (a 10,000-recipient campaign emits 10,000
message.sent), so each function costs a fixed number of queries per batch plus one write per
campaign message concerned.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from automation.events import emit
from automation.models import Event
from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.payloads import campaign_payload, recipient_payload
from crm.models import Contact
from crm.services.contacts import contact_payload, contact_set_do_not_contact
from messaging.models import Message

# A reply counts for a recipient whose last campaign message went out at most this long ago
# (a "thanks" months later is not a reply to the campaign).
REPLY_ATTRIBUTION_DAYS = 30
# Campaigns whose messages can still be replied to.
REPLYABLE = (
    Campaign.Status.SCHEDULED,
    Campaign.Status.RUNNING,
    Campaign.Status.PAUSED,
    Campaign.Status.COMPLETED,
)


def _message_ids(events: Sequence[Event]) -> dict[int, str]:
    found: dict[int, str] = {}
    for event in events:
        message = event.payload.get("message") or {}
        if isinstance(message.get("id"), int):
            found[message["id"]] = event.name
    return found


def track_deliveries(events: Sequence[Event]) -> None:
    """CampaignSend queued → sent / failed as its message's delivery ends; a failure also
    fails the recipient (reason send_failed, or blocked) and emits campaign.send_failed."""
    outcomes = _message_ids(events)
    if not outcomes:
        return
    sends = (
        CampaignSend.objects.filter(message_id__in=list(outcomes))
        .exclude(status=CampaignSend.Status.REPLIED)
        .select_related("message__chat", "recipient", "campaign__organization")
    )
    for send in sends:
        message = send.message
        if outcomes[message.pk] == "message.sent" and message.status == Message.Status.SENT:
            if send.status != CampaignSend.Status.SENT:
                send.status, send.sent_at, send.failure_reason = "sent", message.sent_at, ""
                send.save(update_fields=["status", "sent_at", "failure_reason"])
        elif outcomes[message.pk] == "message.failed" and message.status == Message.Status.FAILED:
            if send.status == CampaignSend.Status.FAILED:
                continue
            send.status, send.failure_reason = CampaignSend.Status.FAILED, message.failure_reason
            send.save(update_fields=["status", "failure_reason"])
            _recipient_failed(send, message)


def _recipient_failed(send: CampaignSend, message: Message) -> None:
    recipient = send.recipient
    if recipient.status in (Recipient.Status.ACTIVE, Recipient.Status.COMPLETED):
        blocked = message.chat.is_blocked
        recipient.status = Recipient.Status.STOPPED if blocked else Recipient.Status.FAILED
        recipient.reason = Recipient.Reason.BLOCKED if blocked else Recipient.Reason.SEND_FAILED
        recipient.next_send_at = None
        recipient.finished_at = timezone.now()
        recipient.save(update_fields=["status", "reason", "next_send_at", "finished_at"])
    emit(
        send.campaign.organization,
        "campaign.send_failed",
        {
            "campaign": campaign_payload(send.campaign),
            "recipient": recipient_payload(recipient),
            "reason": message.failure_reason or "Telegram refused the message.",
        },
    )


def normalized(text: str) -> str:
    """Lower-cased, without punctuation or whitespace: "Stop!" and " STOP " are "stop"."""
    return re.sub(r"[\W_]+", "", text.lower())


def is_opt_out(text: str) -> bool:
    words = {normalized(word) for word in settings.CAMPAIGN_OPT_OUT_WORDS}
    return bool(text) and normalized(text) in words - {""}


def track_replies(events: Sequence[Event]) -> None:
    """An inbound message from a recipient: an opt-out word opts the contact out of every
    campaign (and marks it do-not-contact); anything else is a reply to its campaigns."""
    for event in events:
        message = event.payload.get("message") or {}
        if message.get("direction", "in") != Message.Direction.IN:
            continue
        contact_id, chat_id = message.get("sender_contact"), message.get("chat")
        if not contact_id and not chat_id:
            continue
        at = _parse(message.get("sent_at")) or timezone.now()
        candidates = _candidates(event.organization_id, contact_id, chat_id, at)
        if not candidates:
            continue
        if is_opt_out(message.get("text") or ""):
            _opt_out(candidates, at)
        else:
            for recipient in candidates:
                _replied(recipient, message, at)


def _parse(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def _candidates(
    organization_id: int, contact_id: int | None, chat_id: int | None, at: datetime.datetime
) -> list[Recipient]:
    """Recipients the message answers: of this contact (or, when the sender is unknown, in
    this chat), sent a campaign message recently, not replied yet."""
    who = Q(contact_id=contact_id) if contact_id else Q(chat_id=chat_id)
    since = at - datetime.timedelta(days=REPLY_ATTRIBUTION_DAYS)
    return list(
        Recipient.objects.filter(
            who,
            organization_id=organization_id,
            campaign__status__in=REPLYABLE,
            status__in=[Recipient.Status.ACTIVE, Recipient.Status.COMPLETED],
            replied_at__isnull=True,
            last_sent_at__isnull=False,
            last_sent_at__gte=since,
        )
        .select_for_update(of=("self",))
        .select_related("campaign__organization", "contact")
    )


def _replied(recipient: Recipient, message: dict, at: datetime.datetime) -> None:
    campaign = recipient.campaign
    recipient.replied_at = at
    fields = ["replied_at"]
    if campaign.stop_on_reply or recipient.status == Recipient.Status.COMPLETED:
        recipient.status = Recipient.Status.REPLIED
        fields.append("status")
        if recipient.finished_at is None:
            recipient.next_send_at, recipient.finished_at = None, at
            fields += ["next_send_at", "finished_at"]
    recipient.save(update_fields=fields)
    last = (
        CampaignSend.objects.filter(recipient=recipient, created_at__lte=at)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None:
        last.status, last.replied_at = CampaignSend.Status.REPLIED, at
        last.save(update_fields=["status", "replied_at"])
    emit(
        campaign.organization,
        "campaign.replied",
        {
            "campaign": campaign_payload(campaign),
            "recipient": recipient_payload(recipient),
            "contact": contact_payload(recipient.contact),
            "message": message,
        },
    )


def _opt_out(candidates: list[Recipient], at: datetime.datetime) -> None:
    contact = candidates[0].contact
    contact_set_do_not_contact(contact=contact, value=True)
    # Every sequence of the contact stops, not only those the message answered.
    others = Recipient.objects.filter(
        organization_id=contact.organization_id,
        contact=contact,
        status=Recipient.Status.ACTIVE,
    ).exclude(pk__in=[r.pk for r in candidates])
    recipients = candidates + list(others.select_related("campaign__organization"))
    fresh = Contact.objects.get(pk=contact.pk)
    for recipient in recipients:
        recipient.status, recipient.reason = Recipient.Status.OPTED_OUT, ""
        recipient.next_send_at = None
        recipient.finished_at = recipient.finished_at or at
        recipient.save(update_fields=["status", "reason", "next_send_at", "finished_at"])
        emit(
            recipient.campaign.organization,
            "campaign.opted_out",
            {
                "campaign": campaign_payload(recipient.campaign),
                "recipient": recipient_payload(recipient),
                "contact": contact_payload(fresh),
            },
        )
