"""Trigger actions that belong to no domain app: "Notify a member".

Until notifications land (issue 10) the member gets an email; then this action moves to the
notifications app and reaches them in the app, by email or on Telegram per their preferences.
Registered from ``AutomationConfig.ready()``.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail import send_mail

from accounts.models import Organization
from automation.action_params import (
    member_choices,
    member_clean,
    member_get,
    render,
    text_required,
)
from automation.registry import (
    ActionContext,
    ActionType,
    Param,
    TransientActionError,
    register_action,
)

MAX_MESSAGE = 2000
SUBJECT_PREFIX = "BiDi automation: "


def _notify_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "member": member_clean(organization, params.get("member"), "member"),
        "message": text_required(params, "message", MAX_MESSAGE, "message"),
    }


def _trigger_name(ctx: ActionContext) -> str:
    from automation.models import Trigger

    if ctx.trigger_id is None:
        return "an automation"
    name = Trigger.objects.filter(pk=ctx.trigger_id).values_list("name", flat=True).first()
    return name or "an automation"


def notify_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    member = member_get(ctx.organization, params.get("member"))
    message = render(str(params.get("message") or ""), ctx)
    try:
        send_mail(
            subject=f"{SUBJECT_PREFIX}{_trigger_name(ctx)}",
            message=message,
            from_email=None,
            recipient_list=[member.email],
        )
    except (smtplib.SMTPException, OSError) as error:
        message = f"The email to {member.email} could not be sent: {error}"
        raise TransientActionError(message) from error
    return f"Emailed {member.email}."


def notify_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    member = member_get(ctx.organization, params.get("member"))
    message = render(str(params.get("message") or ""), ctx)
    return f"Would email {member.email}: {message[:200]}"


NOTIFY_MEMBER = ActionType(
    key="member.notify",
    label="Notify a member",
    description="Sends the member an email (in-app notifications come with issue 10).",
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


def register() -> None:
    register_action(NOTIFY_MEMBER)
