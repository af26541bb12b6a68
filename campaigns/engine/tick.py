"""The periodic sweep (``campaigns_tick``, every 10 s): starts scheduled campaigns whose time
came, ends campaigns past their end date, enrols newcomers of dynamic campaigns and makes
sure every running campaign with work has a runner (a hand-over lost with a crashed worker is
picked up here)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from campaigns.engine import enrolment, lease
from campaigns.engine.status import campaign_end, mark_running
from campaigns.models import Campaign, Recipient
from config.redis_connection import redis_client

DYNAMIC_ENROLMENT_SECONDS = 60  # how often a dynamic campaign's audience is queried again


def _enrolment_due(campaign_id: int) -> bool:
    """At most one dynamic-enrolment round per campaign per ``DYNAMIC_ENROLMENT_SECONDS``."""
    key = f"{settings.REDIS_KEY_PREFIX}:campaign-enrol:{campaign_id}"
    return bool(redis_client().set(key, "1", nx=True, ex=DYNAMIC_ENROLMENT_SECONDS))


def tick(*, now: datetime.datetime | None = None) -> list[int]:
    """Do the sweep; returns the ids of campaigns that need a runner started."""
    now = now or timezone.now()
    live = Campaign.objects.filter(
        status__in=[Campaign.Status.SCHEDULED, Campaign.Status.RUNNING, Campaign.Status.PAUSED]
    ).select_related("organization")
    for campaign in live.filter(ends_at__lte=now):
        campaign_end(campaign, now=now)
    for campaign in live.filter(status=Campaign.Status.SCHEDULED).filter(
        Q(starts_at__isnull=True) | Q(starts_at__lte=now)
    ):
        mark_running(campaign)
    running = live.filter(status=Campaign.Status.RUNNING)
    for campaign in running.filter(dynamic_enrolment=True):
        if _enrolment_due(campaign.pk):
            enrolment.enrol_new(campaign, now=now)
    due = Recipient.objects.filter(
        campaign=OuterRef("pk"), status=Recipient.Status.ACTIVE, next_send_at__lte=now
    )
    active = Recipient.objects.filter(campaign=OuterRef("pk"), status=Recipient.Status.ACTIVE)
    # Work to do: steps due, or nothing left (the runner completes it).
    wanted = running.filter(Q(Exists(due)) | (~Exists(active) & Q(dynamic_enrolment=False)))
    return [pk for pk in wanted.values_list("pk", flat=True) if not lease.is_held(pk)]
