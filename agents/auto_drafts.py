"""Automatic drafts: when a prospect writes and the organization turned ``auto_draft`` on, a
draft is requested as if a member had pressed the button (``actor=None``, trigger ``auto``).

Which messages: inbound, not service, not deleted, with text or a caption, in a **private**
chat. Groups are left out: a bot sees every line of a group, most of them not addressed to the
team, and Telegram gives no reliable "this was for us" signal (mentions and replies cover only
part of it); drafting on every group line would spend tokens on noise. Members still draft by
hand in groups.

Once per inbound message: the subscriber (keyed by event id in automation's receipts) locks
the chat row and requests nothing when a draft of the chat was created at or after the message
(it already reads that message) or one is still pending (it will read it when it runs).

Sending stays human unless an admin put the channel on auto-send (see
``agents.services.draft_generation.draft_generate``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from agents.errors import AIRateLimited
from agents.models import Draft
from agents.selectors import ai_settings_get
from agents.services.drafts import draft_request
from automation.models import Event
from messaging.models import Chat, Message

logger = logging.getLogger(__name__)

SUBSCRIBER_NAME = "agents.auto_draft"


def auto_draft_on_inbound(event: Event) -> None:
    """``message.received`` subscriber (registered in ``agents.registrations``)."""
    data = event.payload.get("message") or {}
    if (
        data.get("direction") != Message.Direction.IN
        or data.get("kind") == Message.Kind.SERVICE
        or data.get("deleted")
        or not data.get("chat")
    ):
        return
    if not ai_settings_get(event.organization).auto_draft:
        return
    with transaction.atomic():
        chat = (
            Chat.objects.select_for_update(of=("self",))
            .select_related("organization", "contact")
            .filter(organization_id=event.organization_id, pk=data["chat"])
            .first()
        )
        if chat is None or chat.kind != Chat.Kind.PRIVATE:
            return
        message = Message.objects.filter(
            organization_id=event.organization_id, chat=chat, pk=data.get("id")
        ).first()
        if message is None or message.deleted_at is not None or not message.text.strip():
            return
        answered = Draft.objects.filter(organization_id=event.organization_id, chat=chat).filter(
            Q(created_at__gte=message.created_at) | Q(status=Draft.Status.PENDING)
        )
        if answered.exists():
            return
        try:
            draft_request(chat=chat, actor=None, trigger=Draft.Trigger.AUTO)
        except AIRateLimited as refused:  # rate limit or budget: no draft, nothing to retry
            logger.info("No automatic draft for chat %s: %s", chat.pk, refused.message)
