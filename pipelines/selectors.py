"""Reads of the pipelines app: pipelines, the Kanban board, deal lists and history.

The board is built in a fixed number of queries whatever the number of deals: the stages, one
aggregate (count and sums per stage and currency), one window query for the first cards of
every column, and one for those cards' tags.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone

from accounts.models import Organization, User
from crm.models import Company, Contact, Note, Tag
from crm.selectors import notes_list
from pipelines.filters import DealFilters
from pipelines.models import Deal, DealPayment, DealStageChange, Pipeline, Stage, StageKind

CENT = Decimal("0.01")
# What a card shows (the board template, the API's DealCard): fewer columns to fetch and
# parse per card. Other deal fields load on access, one query per card: use ``deals_for``
# (everything) for pages that show more than a card.
CARD_FIELDS = (
    *(
        field.name
        for field in Deal._meta.concrete_fields
        if field.name not in ("created_at", "updated_at", "created_by", "lost_reason", "source")
    ),
    *("owner__id", "owner__email", "owner__full_name"),
    *("company__id", "company__name", "company__domain"),
)


def pipelines_for(organization: Organization) -> QuerySet[Pipeline]:
    """The organization's pipelines in their order, stages prefetched in theirs."""
    return (
        Pipeline.objects.filter(organization=organization)
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def default_pipeline(organization: Organization) -> Pipeline | None:
    return pipelines_for(organization).filter(is_default=True).first()


def stale_q(now: datetime.datetime | None = None) -> Q:
    """Deals that sat in an open stage longer than its rotting days (``Deal.is_stale`` in SQL:
    more than N whole days means entered at least N + 1 days ago)."""
    now = now or timezone.now()
    rot_after = ExpressionWrapper(
        (F("stage__rotting_days") + 1) * Value(datetime.timedelta(days=1)),
        output_field=DurationField(),
    )
    return Q(
        stage__kind=StageKind.OPEN,
        stage__rotting_days__isnull=False,
        stage_entered_at__lte=ExpressionWrapper(
            Value(now) - rot_after, output_field=Deal._meta.get_field("stage_entered_at")
        ),
    )


def _filters(
    organization: Organization, filters: DealFilters | Mapping[str, Any] | None, user: User | None
) -> DealFilters:
    if filters is None:
        return DealFilters()
    if isinstance(filters, DealFilters):
        return filters
    return DealFilters.from_params(filters, organization=organization, user=user)


def _filtered(deals: QuerySet[Deal], filters: DealFilters) -> QuerySet[Deal]:
    if filters.q:
        deals = deals.filter(title__icontains=filters.q)
    if filters.owner == "none":
        deals = deals.filter(owner__isnull=True)
    elif filters.owner_user is not None:
        deals = deals.filter(owner=filters.owner_user)
    for tag in filters.tags:
        deals = deals.filter(tags=tag)
    if filters.pipeline is not None:
        deals = deals.filter(pipeline=filters.pipeline)
    if filters.stage is not None:
        deals = deals.filter(stage=filters.stage)
    if filters.value_min is not None:
        deals = deals.filter(value__gte=filters.value_min)
    if filters.value_max is not None:
        deals = deals.filter(value__lte=filters.value_max)
    if filters.close_after is not None:
        deals = deals.filter(expected_close_date__gte=filters.close_after)
    if filters.close_before is not None:
        deals = deals.filter(expected_close_date__lte=filters.close_before)
    if filters.stale is True:
        deals = deals.filter(stale_q())
    elif filters.stale is False:
        deals = deals.exclude(stale_q())
    return deals


def deals_for(
    organization: Organization,
    filters: DealFilters | Mapping[str, Any] | None = None,
    *,
    user: User | None = None,
) -> QuerySet[Deal]:
    """The organization's deals matching ``filters`` (newest first), with what lists show."""
    deals = Deal.objects.filter(organization=organization)
    deals = _filtered(deals, _filters(organization, filters, user))
    return (
        deals.select_related("owner", "company", "stage", "pipeline")
        .prefetch_related("tags", "contacts")
        .order_by("-id")
    )


def deal_detail(organization: Organization, pk: int) -> Deal | None:
    return deals_for(organization).filter(pk=pk).first()


def deal_for_write(organization: Organization, pk: int) -> Deal | None:
    """The deal a write starts from, in one query: the row and its organization. The services
    lock and re-read it inside their transaction, so nothing more is worth loading here."""
    return (
        Deal.objects.filter(organization=organization, pk=pk).select_related("organization").first()
    )


def deal_card(organization: Organization, pk: int) -> Deal | None:
    """One deal with what its board card shows (owner, company, stage), in one query."""
    return (
        Deal.objects.filter(organization=organization, pk=pk)
        .select_related("owner", "company", "stage")
        .first()
    )


def deal_matches(organization: Organization, deal: Deal, filters: DealFilters) -> bool:
    """Whether a board filtered by ``filters`` shows ``deal`` (no query when unfiltered)."""
    if not filters.is_filtered:
        return True
    deals = _filtered(Deal.objects.filter(organization=organization, pk=deal.pk), filters)
    return deals.exists()


def _record_deals(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    # Open deals first (no ``closed_at``), then the most recently closed; newest first within.
    return deals.select_related("owner", "stage", "pipeline").order_by(
        F("closed_at").desc(nulls_first=True), "-id"
    )


def deals_for_contact(organization: Organization, contact: Contact) -> QuerySet[Deal]:
    """The contact's deals (it is one of their contacts), as a contact page lists them."""
    return _record_deals(Deal.objects.filter(organization=organization, contacts=contact))


def deals_for_company(organization: Organization, company: Company) -> QuerySet[Deal]:
    """The company's deals, as a company page lists them."""
    return _record_deals(Deal.objects.filter(organization=organization, company=company))


def deal_history(deal: Deal) -> QuerySet[DealStageChange]:
    """The deal's stage changes, newest first."""
    return (
        DealStageChange.objects.filter(organization_id=deal.organization_id, deal=deal)
        .select_related("from_stage", "to_stage", "actor")
        .order_by("-changed_at", "-id")
    )


def deal_notes(organization: Organization, deal: Deal) -> QuerySet[Note]:
    """Notes on the deal, newest first (cursor-paginated like crm's notes)."""
    return notes_list(organization, deal=deal)


def deal_payments(organization: Organization, deal: Deal) -> QuerySet[DealPayment]:
    """Payments of the deal, latest received first (cursor-paginated)."""
    return (
        DealPayment.objects.filter(organization=organization, deal=deal)
        .select_related("recorded_by")
        .order_by("-received_at", "-id")
    )


def stage_get(organization: Organization, pk: Any) -> Stage | None:
    """A stage of any of the organization's pipelines, with its pipeline."""
    if isinstance(pk, bool) or not str(pk).isdigit():
        return None
    return (
        Stage.objects.filter(organization=organization, pk=int(pk))
        .select_related("pipeline")
        .first()
    )


def stages_for(organization: Organization) -> QuerySet[Stage]:
    """Every stage of the organization, pipeline by pipeline in board order."""
    return (
        Stage.objects.filter(organization=organization)
        .select_related("pipeline")
        .order_by("pipeline__position", "pipeline_id", "position", "id")
    )


def pipeline_stages(pipeline: Pipeline) -> QuerySet[Stage]:
    """The pipeline's stages in board order."""
    return Stage.objects.filter(
        organization_id=pipeline.organization_id, pipeline=pipeline
    ).order_by("position", "id")


@dataclass
class CurrencyTotal:
    currency: str
    count: int
    total_value: Decimal
    weighted_value: Decimal


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total_value: Decimal = Decimal("0.00")  # in the organization's currency (see ``totals``)
    weighted_value: Decimal = Decimal("0.00")
    deals: list[Deal] = field(default_factory=list)
    has_more: bool = False
    # Sums per currency, the organization's currency first: values in different currencies
    # are never added together (there are no exchange rates in BiDi).
    totals: list[CurrencyTotal] = field(default_factory=list)


@dataclass
class Board:
    pipeline: Pipeline
    currency: str
    columns: list[Column]
    totals: Column  # the whole pipeline: count and sums over every column
    filters: DealFilters


def _sum_into(
    target: Column,
    currency: str,
    default: str,
    count: int,
    total: Decimal | None,
    weighted: Decimal | None,
) -> None:
    entry = next((t for t in target.totals if t.currency == currency), None)
    if entry is None:
        entry = CurrencyTotal(currency, 0, Decimal("0.00"), Decimal("0.00"))
        target.totals.append(entry)
    entry.count += count
    entry.total_value += total or Decimal("0")
    entry.weighted_value += ((weighted or Decimal("0")) / 100).quantize(CENT)
    target.count += count
    if currency == default:
        target.total_value, target.weighted_value = entry.total_value, entry.weighted_value


def _order_totals(column: Column, default: str) -> None:
    column.totals.sort(key=lambda t: (t.currency != default, t.currency))


def _cards(deals: QuerySet[Deal], stages: dict[int, Stage]) -> list[Deal]:
    """Card objects: owner and company joined, the stage attached from ``stages`` (cards read
    probability and rotting days), and ``card_tags`` — the tags as a plain list, read in one
    query (a ``prefetch_related`` builds a related manager per card, which dominated the
    board's time at 350 cards)."""
    cards = list(deals.select_related("owner", "company").only(*CARD_FIELDS))
    tags_by_deal: dict[int, list[Tag]] = {}
    if cards:
        tags = (
            Tag.objects.filter(deals__in=[card.pk for card in cards])
            .annotate(deal_pk=F("deals__id"))
            .order_by("name")
        )
        for tag in tags:
            tags_by_deal.setdefault(tag.deal_pk, []).append(tag)
    for card in cards:
        card.stage = stages[card.stage_id]
        card.card_tags = tags_by_deal.get(card.pk, [])
    return cards


def board(
    organization: Organization,
    pipeline: Pipeline,
    *,
    filters: DealFilters | Mapping[str, Any] | None = None,
    per_column: int = 50,
    user: User | None = None,
) -> Board:
    """Columns of ``pipeline`` with counts, sums and their first ``per_column`` cards by rank."""
    parsed = _filters(organization, filters, user)
    if pipeline.organization_id != organization.pk:
        raise ValueError("The pipeline belongs to another organization.")
    # ``pipelines_for`` prefetched them already where the caller got the pipeline from there.
    stages = sorted(pipeline.stages.all(), key=lambda stage: (stage.position, stage.pk))
    by_id = {stage.pk: stage for stage in stages}
    columns = {stage.pk: Column(stage=stage) for stage in stages}
    currency = organization.default_currency
    totals = Column(stage=None)  # type: ignore[arg-type]
    deals = _filtered(
        Deal.objects.filter(organization=organization, pipeline=pipeline), parsed
    ).order_by()
    # Sums per stage and currency; weighting is per stage, so it is applied to the sums (no
    # join to the stage table over every deal).
    sums = deals.values("stage_id", "currency").annotate(n=Count("id"), total=Sum("value"))
    for row in sums:
        column = columns.get(row["stage_id"])
        if column is None:
            continue
        weighted = (row["total"] or Decimal("0")) * column.stage.probability
        args = (row["currency"], currency, row["n"], row["total"], weighted)
        _sum_into(column, *args)
        _sum_into(totals, *args)
    for column in [*columns.values(), totals]:
        _order_totals(column, currency)
    if per_column > 0 and stages:
        # The first cards of each column: one index range scan per column on
        # (organization, stage, rank), UNION ALL-ed into a single statement, then the cards.
        firsts = [
            deals.filter(stage_id=stage.pk).order_by("rank", "id").values_list("pk")[:per_column]
            for stage in stages
        ]
        ids = firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]
        cards = Deal.objects.filter(pk__in=[pk for (pk,) in ids]).order_by("stage_id", "rank", "id")
        for deal in _cards(cards, by_id):
            columns[deal.stage_id].deals.append(deal)
    for column in columns.values():
        column.has_more = column.count > len(column.deals)
    return Board(
        pipeline=pipeline,
        currency=currency,
        columns=[columns[stage.pk] for stage in stages],
        totals=totals,
        filters=parsed,
    )


def column_deals(
    organization: Organization,
    stage: Stage,
    *,
    after_rank: str | None,
    after_id: int | None = None,
    limit: int = 50,
    filters: DealFilters | Mapping[str, Any] | None = None,
    user: User | None = None,
) -> list[Deal]:
    """The next ``limit`` cards of a column after the card at (``after_rank``, ``after_id``)
    — "load more". Without ``after_id``, cards with exactly ``after_rank`` are skipped too."""
    parsed = _filters(organization, filters, user)
    deals = _filtered(Deal.objects.filter(organization=organization, stage=stage), parsed)
    if after_rank is not None:
        if after_id is None:
            deals = deals.filter(rank__gt=after_rank)
        else:
            deals = deals.filter(Q(rank__gt=after_rank) | Q(rank=after_rank, pk__gt=after_id))
    return _cards(deals.order_by("rank", "id")[: max(limit, 0)], {stage.pk: stage})
