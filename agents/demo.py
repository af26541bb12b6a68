"""Demo data of agents for ``manage.py seed_demo``: the demo organization drafts with the
built-in offline drafter (no key needed) and drafts automatically when a prospect writes, and its
first conversation already has a suggested reply above the composer, so the inbox shows the
approval flow on first sight. Add an OpenAI-compatible key in Settings → AI for model drafts."""

from __future__ import annotations

from accounts.demo import DemoContext, demo_step
from agents.models import AISettings, Draft
from agents.services.drafts import draft_generate, draft_request
from messaging.models import Chat


@demo_step("agents.drafts")
def seed_drafts(ctx: DemoContext) -> bool:
    organization = ctx.organization
    if organization is None or AISettings.objects.filter(organization=organization).exists():
        return False
    AISettings.objects.create(organization=organization, auto_draft=True, updated_by=ctx.owner)
    chat = (
        Chat.objects.filter(organization=organization, kind=Chat.Kind.PRIVATE)
        .select_related("organization", "contact")
        .order_by("pk")
        .first()
    )
    if chat is not None and not Draft.objects.filter(chat=chat).exists():
        draft = draft_request(chat=chat, actor=ctx.owner)
        draft_generate(draft_id=draft.pk)
    ctx.notes.append("AI drafts: the offline drafter, on for inbound messages (Settings → AI).")
    return True
