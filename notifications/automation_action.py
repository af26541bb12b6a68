"""The "Notify a member" trigger action: a notice to the member, through the channels their
preferences give automation notices (in the app and by email unless they chose otherwise).

The key and params are those the action had when it only sent an email, so saved triggers
keep working. Registered from ``notifications.registrations.register()``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from accounts.models import Organization
from automation.action_params import member_choices, member_clean, member_get, render, text_required
from automation.registry import ActionContext, ActionType, Param
from notifications.models import Channel, Notification
from notifications.registry import Content
from notifications.services import notify

MAX_MESSAGE = 2000
TYPE_KEY = "automation.notify"


def _notify_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "member": member_clean(organization, params.get("member"), "member"),
        "message": text_required(params, "message", MAX_MESSAGE, "message"),
    }


def _trigger_name(ctx: ActionContext) -> str:
    from automation.models import Trigger

    if ctx.trigger_id is None:
        return "An automation"
    name = Trigger.objects.filter(pk=ctx.trigger_id).values_list("name", flat=True).first()
    return name or "An automation"


def _source(ctx: ActionContext, params: dict[str, Any]) -> str:
    """Once per run and action: a retried run (it resumes at a failed later action, or the
    whole run after a crash) does not notify the member twice."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[
        :16
    ]
    return f"run:{ctx.run_id}:{digest}"


def _channels(notification: Notification) -> list[str]:
    labels = dict(Channel.choices)
    channels = [Channel.IN_APP.value] if notification.in_app else []
    channels += sorted(notification.deliveries.values_list("channel", flat=True))
    return [
        labels[channel].lower() if channel != Channel.IN_APP else "in-app" for channel in channels
    ]


def notify_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    member = member_get(ctx.organization, params.get("member"))
    message = render(str(params.get("message") or ""), ctx)
    notification = notify(
        user=member,
        type_key=TYPE_KEY,
        content=Content(title=_trigger_name(ctx), body=message),
        source=_source(ctx, params),
        organization=ctx.organization,
        actor=ctx.actor,
    )
    if notification is None:
        return f"{member.email} turned automation notifications off: nothing was sent."
    return f"Notified {member.email} ({', '.join(_channels(notification))})."


def notify_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    member = member_get(ctx.organization, params.get("member"))
    message = render(str(params.get("message") or ""), ctx)
    return f"Would notify {member.email}: {message[:200]}"


NOTIFY_MEMBER = ActionType(
    key="member.notify",
    label="Notify a member",
    description=(
        "Tells the member in the app, and by email or Telegram as their notification "
        "preferences say."
    ),
    needs=(),
    params=(
        Param("member", "Member", "choice", choices=member_choices),
        Param(
            "message",
            "Message",
            "textarea",
            help="Placeholders such as {{ deal.title }} are filled in.",
        ),
    ),
    run=notify_run,
    preview=notify_preview,
    clean=_notify_clean,
)
