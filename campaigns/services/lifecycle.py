"""Launching, pausing, resuming and cancelling campaigns (the member-facing status changes).

Launch refuses while ``checks.launch_problems`` lists a blocking problem, then snapshots the
audience into recipients and hands the campaign to the engine (``campaigns.tasks.campaign_run``
on commit). The runner re-reads the status at least every second, so a pause or cancel here
stops sending within about a second; a resumed campaign is picked up by a new runner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.errors import ValidationError
from accounts.models import User
from accounts.services import require_permission
from automation.events import emit
from campaigns import checks
from campaigns.engine import enrolment
from campaigns.models import Campaign, Recipient
from campaigns.payloads import campaign_payload


@dataclass(frozen=True)
class LaunchResult:
    enrolled: int
    unreachable: int


def _locked(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organization", "bot")
        .get(pk=campaign.pk)
    )


def _wrong_status(action: str, campaign: Campaign) -> ValidationError:
    return ValidationError(
        f"A {campaign.get_status_display().lower()} campaign cannot be {action}.",
        fields={"status": [f"The campaign is {campaign.get_status_display().lower()}."]},
        code="invalid_status",
    )


def _start_runner(campaign_id: int) -> None:
    from campaigns.tasks import campaign_run

    transaction.on_commit(lambda: campaign_run.delay(campaign_id))


def _copy(target: Campaign, source: Campaign) -> Campaign:
    for field in ("status", "launched_at", "finished_at", "updated_at"):
        setattr(target, field, getattr(source, field))
    return target


@transaction.atomic
def campaign_launch(
    *, campaign: Campaign, actor: User, now: datetime.datetime | None = None
) -> LaunchResult:
    """Enrol the audience and start sending (at ``starts_at`` when it is in the future).

    Raises ``ValidationError`` (code ``launch_blocked``, a field error per blocking problem)
    when the campaign is not ready, or when it is not a draft."""
    require_permission(campaign.organization, actor, "campaign.edit")
    now = now or timezone.now()
    locked = _locked(campaign)
    if locked.status != Campaign.Status.DRAFT:
        raise _wrong_status("launched", locked)
    blocking = [p for p in checks.launch_problems(locked) if p.blocking]
    if blocking:
        fields: dict[str, list[str]] = {}
        for problem in blocking:
            fields.setdefault(problem.field or "campaign", []).append(problem.message)
        raise ValidationError(
            "The campaign cannot be launched yet: " + " ".join(p.message for p in blocking),
            fields=fields,
            code="launch_blocked",
        )
    counts = enrolment.snapshot(locked, now=now)
    if counts.enrolled == 0:
        raise ValidationError(
            "No contact of the audience can be reached through the campaign's bot.",
            fields={"audience_filters": ["No reachable contact in this audience."]},
            code="launch_blocked",
        )
    starts_later = locked.starts_at is not None and locked.starts_at > now
    locked.status = Campaign.Status.SCHEDULED if starts_later else Campaign.Status.RUNNING
    locked.launched_at = locked.updated_at = now
    if locked.sender_id is None:
        locked.sender = actor
    locked.save(update_fields=["status", "launched_at", "updated_at", "sender"])
    emit(
        locked.organization,
        "campaign.launched",
        {
            "campaign": campaign_payload(locked),
            "enrolled": counts.enrolled,
            "unreachable": counts.unreachable,
        },
        actor,
    )
    _start_runner(locked.pk)
    _copy(campaign, locked)
    return LaunchResult(counts.enrolled, counts.unreachable)


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor: User) -> Campaign:
    """running/scheduled → paused: nothing more is sent until it is resumed."""
    require_permission(campaign.organization, actor, "campaign.edit")
    locked = _locked(campaign)
    if locked.status not in (Campaign.Status.RUNNING, Campaign.Status.SCHEDULED):
        raise _wrong_status("paused", locked)
    locked.status, locked.updated_at = Campaign.Status.PAUSED, timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    emit(locked.organization, "campaign.paused", {"campaign": campaign_payload(locked)}, actor)
    return _copy(campaign, locked)


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor: User) -> Campaign:
    """paused → running (or scheduled, when its start is still ahead). Steps that fell due
    during the pause go out now, inside their window."""
    require_permission(campaign.organization, actor, "campaign.edit")
    locked = _locked(campaign)
    if locked.status != Campaign.Status.PAUSED:
        raise _wrong_status("resumed", locked)
    now = timezone.now()
    if locked.ends_at is not None and locked.ends_at <= now:
        raise ValidationError(
            "The campaign's end date has passed; move it later to resume.",
            fields={"ends_at": ["The end date has passed."]},
            code="invalid_status",
        )
    starts_later = locked.starts_at is not None and locked.starts_at > now
    locked.status = Campaign.Status.SCHEDULED if starts_later else Campaign.Status.RUNNING
    locked.updated_at = now
    locked.save(update_fields=["status", "updated_at"])
    emit(locked.organization, "campaign.resumed", {"campaign": campaign_payload(locked)}, actor)
    _start_runner(locked.pk)
    return _copy(campaign, locked)


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User) -> Campaign:
    """scheduled/running/paused → cancelled: every active recipient stops (reason
    "cancelled"); messages already queued still go out."""
    require_permission(campaign.organization, actor, "campaign.edit")
    locked = _locked(campaign)
    if not locked.is_live:
        raise _wrong_status("cancelled", locked)
    now = timezone.now()
    Recipient.objects.filter(campaign=locked, status=Recipient.Status.ACTIVE).update(
        status=Recipient.Status.STOPPED,
        reason=Recipient.Reason.CANCELLED,
        next_send_at=None,
        finished_at=now,
    )
    locked.status = Campaign.Status.CANCELLED
    locked.finished_at = locked.updated_at = now
    locked.save(update_fields=["status", "finished_at", "updated_at"])
    emit(locked.organization, "campaign.cancelled", {"campaign": campaign_payload(locked)}, actor)
    return _copy(campaign, locked)
