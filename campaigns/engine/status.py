"""Status changes the engine makes on its own (no member involved): a scheduled campaign
starts, a campaign whose sequences are all done completes, one past its end date ends.

Each is a conditional update under the campaign's row lock, so the runner and the tick racing
to do the same change do it once (and emit its event once).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from automation.events import emit
from campaigns.models import Campaign, Recipient
from campaigns.payloads import campaign_payload


def _locked(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=campaign.pk)
    )


@transaction.atomic
def mark_running(campaign: Campaign) -> bool:
    """scheduled → running once its start came; updates ``campaign`` in place."""
    updated = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SCHEDULED).update(
        status=Campaign.Status.RUNNING
    )
    campaign.refresh_from_db(fields=["status"])
    return bool(updated)


@transaction.atomic
def campaign_complete(campaign: Campaign, *, now: datetime.datetime) -> bool:
    """running → completed when no recipient is active any more; emits campaign.completed."""
    locked = _locked(campaign)
    if locked.status != Campaign.Status.RUNNING:
        return False
    if Recipient.objects.filter(campaign=locked, status=Recipient.Status.ACTIVE).exists():
        return False
    _completed(locked, now)
    campaign.status, campaign.finished_at = locked.status, locked.finished_at
    return True


@transaction.atomic
def campaign_end(campaign: Campaign, *, now: datetime.datetime) -> bool:
    """The end date passed: every active recipient stops (reason "ended") and the campaign
    completes. Paused campaigns end too (they cannot send after the end anyway)."""
    locked = _locked(campaign)
    if locked.status not in (
        Campaign.Status.RUNNING,
        Campaign.Status.SCHEDULED,
        Campaign.Status.PAUSED,
    ):
        return False
    Recipient.objects.filter(campaign=locked, status=Recipient.Status.ACTIVE).update(
        status=Recipient.Status.STOPPED,
        reason=Recipient.Reason.ENDED,
        next_send_at=None,
        finished_at=now,
    )
    _completed(locked, now)
    campaign.status, campaign.finished_at = locked.status, locked.finished_at
    return True


def _completed(campaign: Campaign, now: datetime.datetime) -> None:
    campaign.status, campaign.finished_at, campaign.updated_at = Campaign.Status.COMPLETED, now, now
    campaign.save(update_fields=["status", "finished_at", "updated_at"])
    emit(campaign.organization, "campaign.completed", {"campaign": campaign_payload(campaign)})
