"""What messaging plugs into triggers (``automation.registry``): the "message" and "chat"
subjects, the chat actions (assign, send a template) and the "no reply for N days" time
source. Registered from ``MessagingConfig.ready()``.
"""

from __future__ import annotations

import datetime
from typing import Any

from accounts.errors import ValidationError
from accounts.models import Organization
from automation.action_params import (
    actor_of,
    days_clean,
    id_of,
    member_choices,
    member_clean,
    member_get,
    refusals_as_action_errors,
    render,
    subject_of,
)
from automation.catalog import CATALOG
from automation.registry import (
    ActionContext,
    ActionError,
    ActionType,
    FieldSpec,
    Param,
    Subject,
    TimeSource,
    register_action,
    register_subject,
    register_time_source,
)
from messaging.models import Chat, Message, ResponseTemplate

SCAN_LIMIT = 500
MESSAGE_EVENTS = frozenset(name for name in CATALOG if name.startswith("message."))
DIRECTIONS = list(Message.Direction.choices)


# --- the "message" subject ---------------------------------------------------------------------


def message_resolve(organization: Organization, context: dict[str, Any]) -> dict[str, Any] | None:
    """The message of a message.* event, from its payload (no query)."""
    message = (context.get("payload") or {}).get("message")
    if not isinstance(message, dict) or not id_of(message.get("id")):
        return None
    return {
        "id": message["id"],
        "text": message.get("text") or "",
        "direction": message.get("direction") or "",
        "kind": message.get("kind") or "",
        "status": message.get("status") or "",
        "chat_id": message.get("chat"),
        "has_attachments": bool(message.get("attachments")),
    }


MESSAGE_SUBJECT = Subject(
    key="message",
    label="Message",
    fields=(
        FieldSpec("message.text", "Message text"),
        FieldSpec("message.direction", "Message direction", "choice", lambda o: DIRECTIONS),
        FieldSpec("message.kind", "Message kind", "choice", lambda o: list(Message.Kind.choices)),
        FieldSpec("message.has_attachments", "Message has attachments", "bool"),
    ),
    resolve=message_resolve,
    events=MESSAGE_EVENTS,
)


# --- the "chat" subject ------------------------------------------------------------------------


def _chat_id(payload: dict[str, Any]) -> int | None:
    chat = payload.get("chat")
    if isinstance(chat, dict):
        return id_of(chat.get("id"))
    for key in ("message", "draft"):
        found = payload.get(key)
        if isinstance(found, dict) and id_of(found.get("chat")):
            return id_of(found.get("chat"))
    return None


def chat_resolve(organization: Organization, context: dict[str, Any]) -> dict[str, Any] | None:
    """The chat of the event (chat.*, message.*, draft.*, or a time source's), one query."""
    pk = _chat_id(context.get("payload") or {})
    if pk is None:
        return None
    chat = Chat.objects.filter(organization=organization, pk=pk).select_related("contact").first()
    if chat is None:
        return None
    return {
        "id": chat.pk,
        "title": str(chat),
        "kind": chat.kind,
        "status": chat.status,
        "assigned_to_id": chat.assigned_to_id,
        "bot_id": chat.bot_id,
        "contact_id": chat.contact_id,
        "is_blocked": chat.is_blocked,
        "last_message_direction": chat.last_message_direction,
        "_changed": ["assigned_to_id"]
        if (context.get("event") or {}).get("name") == "chat.assigned"
        else [],
    }


CHAT_SUBJECT = Subject(
    key="chat",
    label="Chat",
    fields=(
        FieldSpec("chat.id", "Chat id", "number"),
        FieldSpec("chat.title", "Chat title"),
        FieldSpec("chat.kind", "Chat kind", "choice", lambda o: list(Chat.Kind.choices)),
        FieldSpec("chat.status", "Chat status", "choice", lambda o: list(Chat.Status.choices)),
        FieldSpec("chat.assigned_to_id", "Chat assignee", "choice", member_choices),
        FieldSpec("chat.bot_id", "Chat bot id", "number"),
        FieldSpec("chat.is_blocked", "The person blocked the bot", "bool"),
        FieldSpec(
            "chat.last_message_direction",
            "Direction of the chat's last message",
            "choice",
            lambda o: DIRECTIONS,
        ),
    ),
    resolve=chat_resolve,
)


# --- actions -----------------------------------------------------------------------------------


def _chat_of(ctx: ActionContext) -> Chat:
    subject = subject_of(ctx, "chat", "chat")
    chat = (
        Chat.objects.filter(organization=ctx.organization, pk=subject["id"])
        .select_related("bot", "contact")
        .first()
    )
    if chat is None:
        raise ActionError(f"The chat {subject['title']} no longer exists.")
    chat.organization = ctx.organization
    return chat


def _assignee_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    return {"assignee": member_clean(organization, params.get("assignee"), "assignee")}


def assign_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from messaging.services.inbox import chat_assign

    chat = _chat_of(ctx)
    assignee = member_get(ctx.organization, params.get("assignee"))
    if chat.assigned_to_id == assignee.pk:
        return f"{chat} is already assigned to {assignee.email}."
    with refusals_as_action_errors():
        chat_assign(chat=chat, assignee=assignee, actor=actor_of(ctx))
    return f"Assigned {chat} to {assignee.email}."


def assign_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    chat = subject_of(ctx, "chat", "chat")
    assignee = member_get(ctx.organization, params.get("assignee"))
    return f"Would assign {chat['title']} to {assignee.email}."


def _template_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    pk = id_of(params.get("template"))
    if pk is None or not ResponseTemplate.objects.filter(organization=organization, pk=pk).exists():
        raise ValidationError("Choose a template.", fields={"template": ["Choose a template."]})
    return {"template": pk}


def template_choices(organization: Organization) -> list[tuple[str, str]]:
    rows = ResponseTemplate.objects.filter(organization=organization).order_by("name", "id")
    return [(str(template.pk), template.name) for template in rows]


def _template_text(ctx: ActionContext, params: dict[str, Any], chat: Chat) -> tuple[str, str]:
    """(template name, text to send): the template's own variables rendered as the trigger's
    member would (with their fallbacks), then any other placeholder from the context."""
    from messaging.services.templates import response_template_render

    template = ResponseTemplate.objects.filter(
        organization=ctx.organization, pk=id_of(params.get("template"))
    ).first()
    if template is None:
        raise ActionError("The template this automation sends no longer exists.")
    template.organization = ctx.organization
    text = template.body
    if ctx.actor is not None:
        with refusals_as_action_errors():
            text = response_template_render(template=template, chat=chat, user=ctx.actor)
    return template.name, render(text, ctx).strip()


def _writable(chat: Chat) -> None:
    if chat.is_blocked:
        raise ActionError(f"{chat} blocked the bot: Telegram will not deliver the message.")
    if chat.bot_id is None or not chat.bot.is_active:
        raise ActionError(f"The bot of {chat} is disconnected.")


def send_template_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from messaging.services.sending import message_send

    chat = _chat_of(ctx)
    _writable(chat)
    name, text = _template_text(ctx, params, chat)
    with refusals_as_action_errors():
        message_send(chat=chat, actor=None, text=text, source=Message.Source.AUTOMATION)
    return f"Queued the template “{name}” to {chat}."


def send_template_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    chat = _chat_of(ctx)
    _writable(chat)
    name, text = _template_text(ctx, params, chat)
    return f"Would send the template “{name}” to {chat}: {text[:200]}"


ACTIONS = (
    ActionType(
        key="chat.assign",
        label="Assign the chat to a member",
        needs=("chat",),
        params=(Param("assignee", "Member", "choice", choices=member_choices),),
        run=assign_run,
        preview=assign_preview,
        clean=_assignee_clean,
    ),
    ActionType(
        key="message.send_template",
        label="Send a message template",
        description=(
            "Sends a canned response to the chat through the rate-limited Telegram queue; "
            "its {{ … }} variables are filled in."
        ),
        needs=("chat",),
        params=(Param("template", "Template", "choice", choices=template_choices),),
        run=send_template_run,
        preview=send_template_preview,
        clean=_template_clean,
    ),
)


# --- time source -------------------------------------------------------------------------------


def no_reply_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    return {"days": days_clean(params)}


def no_reply_find(
    organization: Organization, params: dict[str, Any], now: datetime.datetime
) -> list[tuple[str, dict[str, Any]]]:
    """Open, unblocked chats whose last message is ours and older than ``days``. Newest first:
    those that just crossed the line (older ones were found by earlier scans)."""
    cutoff = now - datetime.timedelta(days=int(params["days"]))
    rows = (
        Chat.objects.filter(
            organization=organization,
            last_message_at__lt=cutoff,
            last_message_direction=Message.Direction.OUT,
            status=Chat.Status.OPEN,
            is_blocked=False,
        )
        .order_by("-last_message_at", "-id")
        .values_list("pk", "last_message_id")[:SCAN_LIMIT]
    )
    return [(f"chat:{pk}:msg:{message_id}", {"chat": {"id": pk}}) for pk, message_id in rows]


NO_REPLY = TimeSource(
    key="chat.no_reply",
    label="No reply from the contact for N days",
    params=(Param("days", "Days", "int", default=3, help="1 to 365."),),
    subjects=("chat", "contact", "company", "deal"),
    find=no_reply_find,
    clean=no_reply_clean,
)


def register() -> None:
    """Add messaging's subjects, actions and time source to the automation registries."""
    register_subject(MESSAGE_SUBJECT)
    register_subject(CHAT_SUBJECT)
    for action in ACTIONS:
        register_action(action)
    register_time_source(NO_REPLY)
