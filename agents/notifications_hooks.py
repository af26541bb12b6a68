"""agents' notification types: "An AI draft is ready for my review" (``draft.ready``).

The notice goes to whoever decides on the draft — the chat's assignee, else the member who
asked for it — in the app and, by default, in Telegram: there it carries the "Approve & send" /
"Reject" buttons of ``agents.telegram_buttons``, so a draft can be sent from the phone. Going
through notifications means the member's preferences and quiet hours apply and a draft is
offered once however often its event is redispatched.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from agents.models import Draft
from agents.telegram_buttons import DRAFT_TEXT_MAX, draft_buttons, reviewer
from automation.models import Event
from notifications.models import Notification
from notifications.registry import IN_APP, TELEGRAM, Content, NotificationType, register_type

DRAFT_READY = "draft.ready"


def _draft(event: Event) -> Draft | None:
    draft_id = (event.payload.get("draft") or {}).get("id")
    return (
        Draft.objects.filter(organization_id=event.organization_id, pk=draft_id)
        .select_related("chat__assigned_to", "chat__contact", "requested_by")
        .first()
    )


def _recipients(event: Event) -> list[int]:
    draft = _draft(event)
    if draft is None or draft.status != Draft.Status.READY:
        return []
    user = reviewer(draft)
    return [user.pk] if user is not None else []


def _render(event: Event, user: User) -> Content | None:
    draft = _draft(event)
    if draft is None or draft.status != Draft.Status.READY:
        return None  # decided (or auto-sent) before the notice was made
    body = draft.text.strip()
    if len(body) > DRAFT_TEXT_MAX:
        body = body[: DRAFT_TEXT_MAX - 1].rstrip() + "…"
    # Labelled honestly, as in the inbox: the offline drafter is no AI model.
    title = (
        f"AI draft ready for {draft.chat}"
        if draft.provider != "local"
        else f"Draft ready for {draft.chat} (offline drafter, not an AI)"
    )
    return Content(
        title=title,
        body=body,
        url=reverse("messaging:inbox_chat", kwargs={"pk": draft.chat_id}),
        object_type="draft",
        object_id=draft.pk,
        data={"draft_id": draft.pk, "bot_id": draft.chat.bot_id},
    )


def _buttons(notification: Notification) -> list[list[dict[str, str]]]:
    draft_id = notification.data.get("draft_id")
    return draft_buttons(draft_id) if isinstance(draft_id, int) else []


def register() -> None:
    """Called from ``agents.registrations.register_all`` (``AgentsConfig.ready``)."""
    register_type(
        NotificationType(
            key=DRAFT_READY,
            label="An AI draft is ready for my review",
            group="AI drafts",
            events=("draft.generated",),
            recipients=_recipients,
            render=_render,
            perm="ai.draft",
            default_channels=frozenset({IN_APP, TELEGRAM}),
            description=(
                "A reply draft in a chat assigned to you (or that you asked for) waits for your "
                "approval; in Telegram with Approve & send / Reject buttons."
            ),
            telegram_buttons=_buttons,
        )
    )
