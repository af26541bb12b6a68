"""Enrolment: the audience becomes ``Recipient`` rows, at launch (a snapshot) and, for
campaigns with dynamic enrolment, whenever new contacts start matching while it runs.

At launch every matching contact gets a row: reachable ones ``active`` with their first send
time, the others ``unreachable`` with the reason (members see who was left out and why).
Dynamic enrolment only adds reachable contacts: one that cannot be reached today (has not
started the bot yet) is looked at again on the next round instead of being written off.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from campaigns import audience
from campaigns.engine import scheduling
from campaigns.models import Campaign, Recipient
from crm.models import Contact

CHUNK = 2000  # contacts classified and written per round trip


@dataclass(frozen=True)
class Enrolled:
    enrolled: int
    unreachable: int


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def enrol(
    campaign: Campaign,
    contact_ids: Sequence[int],
    *,
    now: datetime.datetime,
    keep_unreachable: bool,
) -> Enrolled:
    """Create recipients for ``contact_ids`` (not yet in the campaign); returns the counts.

    Each reachable recipient's first step is due at launch or ``starts_at``, moved into its
    send window (in its own time zone when the campaign says so)."""
    org_zone = campaign.organization.time_zone
    earliest = scheduling.first_due(campaign, now)
    enrolled = unreachable = 0
    for chunk in _chunks(list(contact_ids)):
        zones = dict(Contact.objects.filter(pk__in=chunk).values_list("pk", "time_zone"))
        rows = []
        for found in audience.classify(campaign, chunk):
            if found.reason:
                if not keep_unreachable:
                    continue
                rows.append(
                    Recipient(
                        organization_id=campaign.organization_id,
                        campaign=campaign,
                        contact_id=found.contact_id,
                        chat_id=found.chat_id,
                        status=Recipient.Status.UNREACHABLE,
                        reason=found.reason,
                        enrolled_at=now,
                        finished_at=now,
                    )
                )
                unreachable += 1
                continue
            tz = scheduling.recipient_zone(campaign, zones.get(found.contact_id, ""), org_zone)
            rows.append(
                Recipient(
                    organization_id=campaign.organization_id,
                    campaign=campaign,
                    contact_id=found.contact_id,
                    chat_id=found.chat_id,
                    status=Recipient.Status.ACTIVE,
                    next_send_at=scheduling.due_at(campaign, earliest, tz) or earliest,
                    enrolled_at=now,
                )
            )
            enrolled += 1
        # A contact enrolled concurrently (two ticks) keeps its first row.
        Recipient.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Enrolled(enrolled, unreachable)


def snapshot(campaign: Campaign, *, now: datetime.datetime) -> Enrolled:
    """Enrol the whole audience at launch (reachable and unreachable)."""
    ids = list(audience.audience_contacts(campaign).order_by().values_list("pk", flat=True))
    return enrol(campaign, ids, now=now, keep_unreachable=True)


def enrol_new(campaign: Campaign, *, now: datetime.datetime) -> int:
    """Dynamic enrolment: enrol the reachable contacts that match the audience now and are
    not in the campaign yet; returns how many."""
    known = Recipient.objects.filter(campaign=campaign).values("contact_id")
    ids = list(
        audience.audience_contacts(campaign)
        .exclude(pk__in=known)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    return enrol(campaign, ids, now=now, keep_unreachable=False).enrolled
