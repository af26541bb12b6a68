"""Reads of agents' data, scoped to one organization."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from accounts.models import Organization
from agents.models import AISettings, AutoSendChannel, Draft, StageSuggestion, Usage
from agents.pricing import price_note
from messaging.models import Chat


def ai_settings_get(organization: Organization) -> AISettings:
    """The organization's AI settings; an unsaved default row when it never changed them."""
    found = AISettings.objects.filter(organization=organization).first()
    return found or AISettings(organization=organization)


def month_tokens_used(organization: Organization, *, now: datetime | None = None) -> int:
    """Prompt + completion tokens the organization used in the current calendar month (UTC):
    what the monthly budget counts."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    totals = Usage.objects.filter(organization=organization, created_at__gte=month_start).aggregate(
        prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens")
    )
    return (totals["prompt"] or 0) + (totals["completion"] or 0)


def usage_summary(organization: Organization, *, since: datetime, until: datetime) -> dict:
    """Tokens, estimated cost and drafts in ``[since, until)``, in total and per member.

    ``{"since", "until", "totals": {prompt_tokens, completion_tokens, total_tokens, cost_usd,
    drafts, calls}, "users": [{user: {id, email, name} | None, …same keys}], "models":
    [{provider, model, …}], "notes": [...]}`` — ``user`` None is automatic work (auto drafts);
    costs are estimates (``agents.pricing``), ``notes`` names models without a known price."""
    rows = Usage.objects.filter(
        organization=organization, created_at__gte=since, created_at__lt=until
    )
    sums = {
        "prompt_tokens": Sum("prompt_tokens"),
        "completion_tokens": Sum("completion_tokens"),
        "cost_usd": Sum("cost_usd"),
        "drafts": Count("draft", distinct=True),
        "calls": Count("id"),
    }

    def shape(values: dict) -> dict:
        prompt, completion = values["prompt_tokens"] or 0, values["completion_tokens"] or 0
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "cost_usd": str(values["cost_usd"] or Decimal("0")),
            "drafts": values["drafts"],
            "calls": values["calls"],
        }

    per_user = rows.values("user", "user__email", "user__full_name").annotate(**sums)
    users = [
        {
            "user": (
                {"id": row["user"], "email": row["user__email"], "name": row["user__full_name"]}
                if row["user"]
                else None
            ),
            **shape(row),
        }
        for row in per_user.order_by("-cost_usd", "user__email")
    ]
    per_model = rows.values("provider", "model").annotate(**sums).order_by("provider", "model")
    models = [{"provider": r["provider"], "model": r["model"], **shape(r)} for r in per_model]
    priced = (price_note(m["model"]) for m in models if m["provider"] != "local")
    notes = [note for note in priced if note]
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "totals": shape(rows.aggregate(**sums)),
        "users": users,
        "models": models,
        "notes": notes,
    }


def auto_send_enabled(chat: Chat) -> bool:
    """Whether an admin put the chat's bot on auto-send (AI drafts leave without approval)."""
    return AutoSendChannel.objects.filter(
        organization_id=chat.organization_id, bot_id=chat.bot_id
    ).exists()


def auto_send_channels(organization: Organization) -> QuerySet[AutoSendChannel]:
    """The organization's bots on auto-send, with who enabled each."""
    return (
        AutoSendChannel.objects.filter(organization=organization)
        .select_related("bot", "enabled_by")
        .order_by("bot__name", "pk")
    )


# --- drafts ------------------------------------------------------------------------------------


def current_draft(organization: Organization, chat: Chat) -> Draft | None:
    """The draft on offer above the composer: the newest pending, ready or failed one that no
    newer draft replaced (sent and rejected drafts are history, not on offer)."""
    newest = (
        Draft.objects.filter(organization=organization, chat=chat)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    offered = (Draft.Status.PENDING, Draft.Status.READY, Draft.Status.FAILED)
    return newest if newest is not None and newest.status in offered else None


def chat_drafts(organization: Organization, chat: Chat) -> QuerySet[Draft]:
    """The chat's drafts, newest first, with who asked and who decided (the history)."""
    return (
        Draft.objects.filter(organization=organization, chat=chat)
        .select_related("requested_by", "decided_by", "sent_message")
        .order_by("-created_at", "-pk")
    )


def draft_metrics(organization: Organization, *, since: datetime | None = None) -> dict:
    """Acceptance and edit figures of the organization's drafts (since ``since``, else ever).

    ``acceptance_rate`` is sent / (sent + rejected): drafts a member decided on, not those
    left unanswered or replaced. ``avg_edit_distance`` is over sent drafts (characters changed,
    ``agents.services.drafts.edit_distance``); ``edited`` counts sent drafts changed at all.
    """
    drafts = Draft.objects.filter(organization=organization)
    if since is not None:
        drafts = drafts.filter(created_at__gte=since)
    sent = Q(status=Draft.Status.SENT)
    row = drafts.aggregate(
        count=Count("pk"),
        sent=Count("pk", filter=sent),
        auto_sent=Count("pk", filter=sent & Q(auto_sent=True)),
        edited=Count("pk", filter=sent & Q(edit_distance__gt=0)),
        rejected=Count("pk", filter=Q(status=Draft.Status.REJECTED)),
        failed=Count("pk", filter=Q(status=Draft.Status.FAILED)),
        avg_edit_distance=Avg("edit_distance", filter=sent),
    )
    decided = row["sent"] + row["rejected"]
    row["acceptance_rate"] = round(row["sent"] / decided, 4) if decided else None
    if row["avg_edit_distance"] is not None:
        row["avg_edit_distance"] = round(float(row["avg_edit_distance"]), 1)
    return row


def stage_suggestions_list(
    organization: Organization, *, status: str = "", deal_id: int | None = None
) -> QuerySet[StageSuggestion]:
    """The organization's stage suggestions, newest first, optionally of one status / deal."""
    rows = StageSuggestion.objects.filter(organization=organization).select_related(
        "deal", "from_stage", "to_stage"
    )
    if status:
        rows = rows.filter(status=status)
    if deal_id is not None:
        rows = rows.filter(deal_id=deal_id)
    return rows.order_by("-created_at", "-id")


def open_suggestion_for_chat(organization: Organization, chat: Chat) -> StageSuggestion | None:
    """The open suggestion made from ``chat`` (at most one per deal; the newest of the chat)."""
    return (
        stage_suggestions_list(organization, status=StageSuggestion.Status.OPEN)
        .filter(chat=chat)
        .first()
    )
