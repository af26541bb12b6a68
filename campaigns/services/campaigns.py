"""Writing campaigns: create, edit settings, set the steps and their A/B variants, delete drafts.

What may change depends on the status: a draft is free; once launched, recipients were
enrolled against the audience and the steps, so only what does not rewrite history (name,
window, cap, end date…) may change, and steps only while paused and only in place.
Launching, pausing and cancelling live in ``campaigns.services.lifecycle``.
"""

from __future__ import annotations

import string
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from campaigns.models import Campaign, CampaignStep, StepVariant
from campaigns.payloads import campaign_payload
from campaigns.services.fields import clean_all
from campaigns.variables import template_errors

FIELDS = (
    "name",
    "description",
    "bot",
    "sender",
    "audience_view",
    "audience_filters",
    "only_never_contacted",
    "exclude_in_other_campaigns",
    "dynamic_enrolment",
    "window_days",
    "window_start",
    "window_end",
    "time_zone_mode",
    "daily_cap",
    "starts_at",
    "ends_at",
    "stop_on_reply",
)
LIVE_FIELDS = (
    "name",
    "description",
    "window_days",
    "window_start",
    "window_end",
    "daily_cap",
    "ends_at",
    "stop_on_reply",
    "dynamic_enrolment",
)
FINISHED_FIELDS = ("name", "description")
MAX_STEPS = 10
MAX_VARIANTS = 4
MAX_BODY = 4096  # one Telegram message
MAX_DELAY_MINUTES = 365 * 24 * 60
Status = Campaign.Status


def _editable_fields(campaign: Campaign) -> tuple[str, ...]:
    if campaign.status == Status.DRAFT:
        return FIELDS
    if campaign.is_live:
        return LIVE_FIELDS
    return FINISHED_FIELDS


@transaction.atomic
def campaign_create(*, organization: Organization, actor: User, data: dict[str, Any]) -> Campaign:
    """A draft campaign; the actor is its sender unless another member is named."""
    require_permission(organization, actor, "campaign.edit")
    cleaned = clean_all(organization, actor, {"name": data.get("name", ""), **data})
    if cleaned.get("sender") is None:
        cleaned["sender"] = actor
    campaign = Campaign(organization=organization, created_by=actor, **cleaned)
    campaign.full_clean()
    campaign.save()
    emit(organization, "campaign.created", {"campaign": campaign_payload(campaign)}, actor)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User, data: dict[str, Any]) -> Campaign:
    """Change the fields present in ``data``; fields the status freezes are refused by name."""
    organization = campaign.organization
    require_permission(organization, actor, "campaign.edit")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    allowed = _editable_fields(campaign)
    frozen = [field for field in FIELDS if field in data and field not in allowed]
    if frozen:
        message = "Can't change this after launch."
        raise ValidationError(message, fields={field: [message] for field in frozen})
    cleaned = clean_all(organization, actor, data)
    if "sender" in cleaned and cleaned["sender"] is None:
        cleaned["sender"] = actor
    changed = []
    for field, value in cleaned.items():
        current = getattr(campaign, field)
        if current != value:
            setattr(campaign, field, value)
            changed.append(field)
    if changed:
        if campaign.is_live:
            _live_schedule_check(campaign, changed)
        campaign.updated_at = timezone.now()
        campaign.full_clean()
        campaign.save()
        emit(
            organization,
            "campaign.updated",
            {"campaign": campaign_payload(campaign), "changed": changed},
            actor,
        )
    return campaign


def _live_schedule_check(campaign: Campaign, changed: list[str]) -> None:
    """A launched campaign is past its launch checks, so a schedule edit that would make it
    stop sending without a word (a window that never opens, an end already past) is refused
    here; drafts may be incomplete until launch."""
    errors: dict[str, list[str]] = {}
    if "window_days" in changed and not campaign.window_days:
        errors["window_days"] = ["Pick at least one day the campaign may send on."]
    if {"window_start", "window_end"} & set(changed) and (
        campaign.window_start >= campaign.window_end
    ):
        errors["window_end"] = ["The window must end after it starts."]
    if "ends_at" in changed and campaign.ends_at is not None and campaign.ends_at <= timezone.now():
        errors["ends_at"] = ["Pick an end in the future."]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if isinstance(value, bool) or not low <= number <= high:
        return None
    return number


def _clean_variant(
    organization: Organization, raw: Any, at: str, index: int, errors: dict[str, list[str]]
) -> dict[str, Any]:
    raw = raw if isinstance(raw, dict) else {}
    label = str(raw.get("label") or string.ascii_uppercase[index]).strip().upper()
    body = str(raw.get("body") or "").strip()
    weight = _int(raw.get("weight", 50), 1, 100)
    if len(label) != 1 or label not in string.ascii_uppercase:
        errors.setdefault(f"{at}.label", []).append("Use one letter, A to Z.")
    if not body:
        errors.setdefault(f"{at}.body", []).append("Write the message.")
    elif len(body) > MAX_BODY:
        message = f"Keep the message under {MAX_BODY} characters (one Telegram message)."
        errors.setdefault(f"{at}.body", []).append(message)
    else:
        for problem in template_errors(organization, body):
            errors.setdefault(f"{at}.body", []).append(problem)
    if weight is None:
        errors.setdefault(f"{at}.weight", []).append("Enter a weight from 1 to 100.")
    return {"label": label, "body": body, "weight": weight or 1}


def _clean_steps(organization: Organization, steps: Any) -> list[dict[str, Any]]:
    if not isinstance(steps, list) or not steps:
        raise ValidationError(
            "Add at least one step.", fields={"steps": ["Add at least one step."]}
        )
    if len(steps) > MAX_STEPS:
        message = f"A campaign has at most {MAX_STEPS} steps."
        raise ValidationError(message, fields={"steps": [message]})
    errors: dict[str, list[str]] = {}
    cleaned = []
    for i, raw in enumerate(steps):
        raw = raw if isinstance(raw, dict) else {}
        delay = _int(raw.get("delay_minutes", 0), 0, MAX_DELAY_MINUTES)
        if delay is None:
            errors[f"steps.{i}.delay_minutes"] = ["Enter minutes from 0 to one year."]
        variants = raw.get("variants")
        if not isinstance(variants, list) or not variants:
            errors[f"steps.{i}.variants"] = ["Write the step's message."]
            variants = []
        elif len(variants) > MAX_VARIANTS:
            errors[f"steps.{i}.variants"] = [f"A step has at most {MAX_VARIANTS} variants."]
            variants = []
        clean_variants = [
            _clean_variant(organization, v, f"steps.{i}.variants.{j}", j, errors)
            for j, v in enumerate(variants)
        ]
        labels = [v["label"] for v in clean_variants]
        if len(set(labels)) != len(labels):
            errors.setdefault(f"steps.{i}.variants", []).append("Give each variant its own label.")
        cleaned.append(
            {
                "delay_minutes": delay or 0,
                "only_if_no_reply": bool(raw.get("only_if_no_reply", True)),
                "variants": clean_variants,
            }
        )
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def _replace_steps(campaign: Campaign, steps: list[dict[str, Any]]) -> None:
    campaign.steps.all().delete()
    for position, data in enumerate(steps):
        step = CampaignStep.objects.create(
            organization_id=campaign.organization_id,
            campaign=campaign,
            position=position,
            delay_minutes=data["delay_minutes"],
            only_if_no_reply=data["only_if_no_reply"],
        )
        StepVariant.objects.bulk_create(
            StepVariant(organization_id=campaign.organization_id, step=step, **variant)
            for variant in data["variants"]
        )


def _edit_steps_in_place(campaign: Campaign, steps: list[dict[str, Any]]) -> None:
    """While paused: sends already recorded point at these rows, so only the text, the split and
    the delays may change, never the structure."""
    current = list(campaign.steps.prefetch_related("variants").order_by("position"))
    message = "While paused, keep the same steps and variants; only texts, weights and delays."
    same = len(current) == len(steps) and all(
        [v.label for v in step.variants.all()] == [v["label"] for v in data["variants"]]
        and step.only_if_no_reply == data["only_if_no_reply"]
        for step, data in zip(current, steps, strict=True)
    )
    if not same:
        raise ValidationError(message, fields={"steps": [message]})
    for step, data in zip(current, steps, strict=True):
        if step.delay_minutes != data["delay_minutes"]:
            step.delay_minutes = data["delay_minutes"]
            step.save(update_fields=["delay_minutes"])
        for variant, new in zip(step.variants.all(), data["variants"], strict=True):
            if (variant.body, variant.weight) != (new["body"], new["weight"]):
                variant.body, variant.weight = new["body"], new["weight"]
                variant.save(update_fields=["body", "weight"])


@transaction.atomic
def campaign_steps_set(
    *, campaign: Campaign, actor: User, steps: list[dict[str, Any]]
) -> list[CampaignStep]:
    """Replace the steps of a draft (in the order given), or edit a paused campaign's in place."""
    organization = campaign.organization
    require_permission(organization, actor, "campaign.edit")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (Status.DRAFT, Status.PAUSED):
        message = "Pause the campaign to edit its messages."
        if not campaign.is_live:
            message = "This campaign has finished; its steps can't change."
        raise ValidationError(message, fields={"steps": [message]})
    cleaned = _clean_steps(organization, steps)
    if campaign.status == Status.DRAFT:
        _replace_steps(campaign, cleaned)
    else:
        _edit_steps_in_place(campaign, cleaned)
    campaign.updated_at = timezone.now()
    campaign.save(update_fields=["updated_at"])
    emit(
        organization,
        "campaign.updated",
        {"campaign": campaign_payload(campaign), "changed": ["steps"]},
        actor,
    )
    return list(campaign.steps.prefetch_related("variants").order_by("position"))


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor: User) -> None:
    """Only drafts: a launched campaign's sends and replies are history and stay."""
    require_permission(campaign.organization, actor, "campaign.edit")
    if campaign.status != Status.DRAFT:
        message = "Only drafts can be deleted; cancel the campaign instead."
        raise ValidationError(message, fields={"status": [message]}, code="not_draft")
    emit(campaign.organization, "campaign.deleted", {"campaign": campaign_payload(campaign)}, actor)
    campaign.delete()
