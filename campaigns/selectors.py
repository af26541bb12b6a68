"""Reads of campaigns, always scoped by organization: lists, progress and analytics.

Counts are computed by the database (aggregates and correlated subqueries), never by looping
over rows, so a 10,000-recipient campaign costs the same few queries as a small one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import Organization
from campaigns.models import Campaign, CampaignSend, CampaignStep, Recipient, StepVariant
from pipelines.models import Deal, StageKind

# Below this many delivered messages per variant a z-test says nothing useful.
MIN_SAMPLE = 30
SIGNIFICANCE_LEVEL = 0.05
# Series longer than this keep their most recent days.
MAX_SERIES_DAYS = 366
DELIVERED = (CampaignSend.Status.SENT, CampaignSend.Status.REPLIED)
FUNNEL_LABELS = {
    "enrolled": "Enrolled",
    "sent": "Sent",
    "delivered": "Delivered",
    "replied": "Replied",
    "deal_created": "Deal created",
    "won": "Won",
}


def _count_subquery(queryset: QuerySet, link: str) -> Coalesce:
    """``COUNT(*)`` of ``queryset`` rows whose ``link`` is the outer campaign, as a column."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def campaigns_list(
    organization: Organization, *, status: str = "", q: str = ""
) -> QuerySet[Campaign]:
    """Campaigns, newest first, with the counts a list page shows next to each."""
    campaigns = Campaign.objects.filter(organization=organization).select_related("bot", "sender")
    if status:
        campaigns = campaigns.filter(status=status)
    if q.strip():
        campaigns = campaigns.filter(
            Q(name__icontains=q.strip()) | Q(description__icontains=q.strip())
        )
    enrolled = Recipient.objects.exclude(status=Recipient.Status.UNREACHABLE)
    return campaigns.annotate(
        recipients_count=_count_subquery(enrolled, "campaign"),
        sent_count=_count_subquery(CampaignSend.objects.all(), "campaign"),
        replied_count=_count_subquery(
            Recipient.objects.filter(replied_at__isnull=False), "campaign"
        ),
    ).order_by("-created_at", "-id")


def campaign_get(organization: Organization, pk: int | str | None) -> Campaign | None:
    """One campaign with its steps and their variants, or None when it is not this org's."""
    if pk is None or not str(pk).isdigit():
        return None
    steps = CampaignStep.objects.order_by("position").prefetch_related(
        Prefetch("variants", queryset=StepVariant.objects.order_by("label"))
    )
    return (
        Campaign.objects.filter(organization=organization, pk=int(pk))
        .select_related("bot", "sender", "audience_view", "created_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .first()
    )


@dataclass(frozen=True)
class Progress:
    enrolled: int
    unreachable: int
    active: int
    completed: int
    replied: int
    opted_out: int
    failed: int
    stopped: int
    sends_queued: int
    sends_sent: int
    sends_failed: int
    expected_sends: int
    percent: int  # percent of expected sends done (sent or failed)


def campaign_progress(campaign: Campaign) -> Progress:
    """Where the campaign stands. Expected sends are what finished recipients got plus every
    step still ahead of active ones, so the percentage reaches 100 exactly when nothing is left."""
    by_status = {
        f"{value}": Count("pk", filter=Q(status=value)) for value in Recipient.Status.values
    }
    recipients = Recipient.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign
    ).aggregate(**by_status)
    sends = CampaignSend.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign
    ).aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(status=CampaignSend.Status.QUEUED)),
        sent=Count("pk", filter=Q(status__in=DELIVERED)),
        failed=Count("pk", filter=Q(status=CampaignSend.Status.FAILED)),
        of_active=Count("pk", filter=Q(recipient__status=Recipient.Status.ACTIVE)),
    )
    steps = CampaignStep.objects.filter(campaign=campaign).count()
    active = recipients[Recipient.Status.ACTIVE]
    ahead = max(0, active * steps - sends["of_active"])
    expected = sends["total"] + ahead
    done = sends["sent"] + sends["failed"]
    if expected:
        percent = min(100, done * 100 // expected)
    else:
        percent = 100 if campaign.status == Campaign.Status.COMPLETED else 0
    unreachable = recipients[Recipient.Status.UNREACHABLE]
    return Progress(
        enrolled=sum(recipients.values()) - unreachable,
        unreachable=unreachable,
        active=active,
        completed=recipients[Recipient.Status.COMPLETED],
        replied=recipients[Recipient.Status.REPLIED],
        opted_out=recipients[Recipient.Status.OPTED_OUT],
        failed=recipients[Recipient.Status.FAILED],
        stopped=recipients[Recipient.Status.STOPPED],
        sends_queued=sends["queued"],
        sends_sent=sends["sent"],
        sends_failed=sends["failed"],
        expected_sends=expected,
        percent=percent,
    )


def recipients_list(
    campaign: Campaign, *, status: str = "", reason: str = "", q: str = ""
) -> QuerySet[Recipient]:
    """The campaign's recipients (unreachable ones included, with their reason)."""
    recipients = Recipient.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign
    ).select_related("contact", "chat")
    if status:
        recipients = recipients.filter(status=status)
    if reason:
        recipients = recipients.filter(reason=reason)
    text = q.strip().lstrip("@")
    if text:
        recipients = recipients.filter(
            Q(contact__full_name__icontains=text) | Q(contact__telegram_username__icontains=text)
        )
    return recipients.order_by("id")


# --- analytics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Significance:
    p_value: float
    significant: bool
    note: str


@dataclass(frozen=True)
class VariantStats:
    variant: StepVariant
    sent: int
    delivered: int
    replied: int
    reply_rate: float  # replied / delivered, from 0 to 1
    significance: Significance | None  # None for variant A and single-variant steps


@dataclass(frozen=True)
class StepStats:
    step: CampaignStep
    sent: int
    delivered: int
    failed: int
    replied: int
    variants: list[VariantStats]


@dataclass(frozen=True)
class Analytics:
    funnel: list[tuple[str, int]]  # keys of FUNNEL_LABELS, in that order
    steps: list[StepStats]
    days: list[date]
    sent_per_day: list[int]
    replied_per_day: list[int]


def two_proportion_p_value(successes_a: int, n_a: int, successes_b: int, n_b: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (1.0 when it cannot tell)."""
    if n_a <= 0 or n_b <= 0:
        return 1.0
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        return 1.0
    z = (successes_b / n_b - successes_a / n_a) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2))


def _format_p(p_value: float) -> str:
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.01 else f"p = {p_value:.2f}"


def significance(
    label: str, replied: int, delivered: int, base_replied: int, base_delivered: int
) -> Significance:
    """How variant ``label`` compares with variant A, in words a sales person can act on."""
    if delivered < MIN_SAMPLE or base_delivered < MIN_SAMPLE:
        p_value = two_proportion_p_value(base_replied, base_delivered, replied, delivered)
        note = f"not enough data yet (n < {MIN_SAMPLE} per variant)"
        return Significance(p_value=p_value, significant=False, note=note)
    p_value = two_proportion_p_value(base_replied, base_delivered, replied, delivered)
    if p_value >= SIGNIFICANCE_LEVEL:
        return Significance(p_value, False, f"no significant difference ({_format_p(p_value)})")
    direction = "higher" if replied / delivered > base_replied / base_delivered else "lower"
    return Significance(p_value, True, f"{label}'s reply rate is {direction}, {_format_p(p_value)}")


def _step_stats(campaign: Campaign) -> list[StepStats]:
    steps = list(
        CampaignStep.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .order_by("position")
        .prefetch_related(Prefetch("variants", queryset=StepVariant.objects.order_by("label")))
    )
    rows = (
        CampaignSend.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .order_by()
        .values("variant_id")
        .annotate(
            sent=Count("pk"),
            delivered=Count("pk", filter=Q(status__in=DELIVERED)),
            failed=Count("pk", filter=Q(status=CampaignSend.Status.FAILED)),
            replied=Count("pk", filter=Q(status=CampaignSend.Status.REPLIED)),
        )
    )
    counts = {row["variant_id"]: row for row in rows}
    empty = {"sent": 0, "delivered": 0, "failed": 0, "replied": 0}
    result = []
    for step in steps:
        variants = list(step.variants.all())
        base = counts.get(variants[0].pk, empty) if variants else empty
        stats = []
        for index, variant in enumerate(variants):
            row = counts.get(variant.pk, empty)
            compared = None
            if index > 0:
                compared = significance(
                    variant.label,
                    row["replied"],
                    row["delivered"],
                    base["replied"],
                    base["delivered"],
                )
            rate = row["replied"] / row["delivered"] if row["delivered"] else 0.0
            stats.append(
                VariantStats(
                    variant=variant,
                    sent=row["sent"],
                    delivered=row["delivered"],
                    replied=row["replied"],
                    reply_rate=rate,
                    significance=compared,
                )
            )
        result.append(
            StepStats(
                step=step,
                sent=sum(s.sent for s in stats),
                delivered=sum(s.delivered for s in stats),
                failed=sum(counts.get(v.pk, empty)["failed"] for v in variants),
                replied=sum(s.replied for s in stats),
                variants=stats,
            )
        )
    return result


def _funnel(campaign: Campaign) -> list[tuple[str, int]]:
    org_id = campaign.organization_id
    sends = CampaignSend.objects.filter(recipient=OuterRef("pk"))
    deals = Deal.objects.filter(
        organization_id=org_id,
        contacts=OuterRef("contact_id"),
        created_at__gt=OuterRef("enrolled_at"),
    )
    counts = (
        Recipient.objects.filter(organization_id=org_id, campaign=campaign)
        .exclude(status=Recipient.Status.UNREACHABLE)
        .annotate(
            has_send=Exists(sends),
            has_delivery=Exists(sends.filter(status__in=DELIVERED)),
            has_deal=Exists(deals),
            has_won=Exists(deals.filter(stage__kind=StageKind.WON)),
        )
        .aggregate(
            enrolled=Count("pk"),
            sent=Count("pk", filter=Q(has_send=True)),
            delivered=Count("pk", filter=Q(has_delivery=True)),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
            deal_created=Count("pk", filter=Q(has_deal=True)),
            won=Count("pk", filter=Q(has_won=True)),
        )
    )
    return [(key, counts[key]) for key in FUNNEL_LABELS]


def _zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _per_day(queryset: QuerySet, field: str, zone: ZoneInfo) -> dict[date, int]:
    rows = (
        queryset.filter(**{f"{field}__isnull": False})
        .order_by()
        .annotate(day=TruncDate(field, tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def _series(
    campaign: Campaign, zone: ZoneInfo, now: datetime
) -> tuple[list[date], list[int], list[int]]:
    org_id = campaign.organization_id
    sent = _per_day(
        CampaignSend.objects.filter(organization_id=org_id, campaign=campaign), "created_at", zone
    )
    replied = _per_day(
        Recipient.objects.filter(organization_id=org_id, campaign=campaign), "replied_at", zone
    )
    known = [*sent, *replied]
    if campaign.launched_at:
        known.append(campaign.launched_at.astimezone(zone).date())
    if not known:
        return [], [], []
    first = min(known)
    last = max([*known, (campaign.finished_at or now).astimezone(zone).date()])
    first = max(first, last - timedelta(days=MAX_SERIES_DAYS - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return days, [sent.get(d, 0) for d in days], [replied.get(d, 0) for d in days]


def campaign_analytics(campaign: Campaign, *, now: datetime | None = None) -> Analytics:
    """Funnel, per-step and per-variant results (with A/B significance) and daily series in
    the organization's time zone, days without activity included so charts keep their scale."""
    zone = _zone(campaign.organization)
    days, sent_per_day, replied_per_day = _series(campaign, zone, now or timezone.now())
    return Analytics(
        funnel=_funnel(campaign),
        steps=_step_stats(campaign),
        days=days,
        sent_per_day=sent_per_day,
        replied_per_day=replied_per_day,
    )
