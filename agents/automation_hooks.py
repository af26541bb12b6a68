"""What agents plugs into triggers (``automation.registry``): "Generate an AI draft" for the
event's chat. Registered from ``agents.registrations.register_all()``.

The draft is requested like an automatic one (no member: ``actor=None``), so the guardrails'
per-organization limits and budget apply; a rate limit retries the run later.
"""

from __future__ import annotations

from typing import Any

from accounts.errors import ValidationError
from accounts.models import Organization
from agents.models import Draft
from automation.action_params import refusals_as_action_errors, render, subject_of
from automation.registry import ActionContext, ActionError, ActionType, Param, register_action

MAX_INSTRUCTION = 300  # Draft.instruction


def _instruction_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    instruction = str(params.get("instruction") or "").strip()
    if len(instruction) > MAX_INSTRUCTION:
        message = f"Keep the instruction under {MAX_INSTRUCTION} characters."
        raise ValidationError(message, fields={"instruction": [message]})
    return {"instruction": instruction}


def draft_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from agents.services.drafts import draft_request
    from messaging.models import Chat

    subject = subject_of(ctx, "chat", "chat")
    chat = Chat.objects.filter(organization=ctx.organization, pk=subject["id"]).first()
    if chat is None:
        raise ActionError(f"The chat {subject['title']} no longer exists.")
    chat.organization = ctx.organization
    instruction = render(str(params.get("instruction") or ""), ctx)[:MAX_INSTRUCTION]
    with refusals_as_action_errors():
        draft_request(
            chat=chat, actor=None, trigger=Draft.Trigger.AUTOMATION, instruction=instruction
        )
    return f"Asked for an AI draft for {subject['title']}."


def draft_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    subject = subject_of(ctx, "chat", "chat")
    instruction = render(str(params.get("instruction") or ""), ctx)
    suffix = f" with the instruction “{instruction}”" if instruction else ""
    return f"Would ask for an AI draft for {subject['title']}{suffix}."


GENERATE_DRAFT = ActionType(
    key="draft.generate",
    label="Generate an AI reply draft",
    description="A draft appears above the chat's composer for a member to review and send.",
    needs=("chat",),
    params=(
        Param(
            "instruction",
            "Instruction",
            "text",
            required=False,
            help="Optional, e.g. “Propose a call next week”.",
        ),
    ),
    run=draft_run,
    preview=draft_preview,
    clean=_instruction_clean,
)


def register() -> None:
    register_action(GENERATE_DRAFT)
