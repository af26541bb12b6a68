"""Where a deal goes in a column: ranks between neighbours, under the column's lock.

Every write that puts a deal into a column first takes the column's lock —
``SELECT … FOR NO KEY UPDATE`` on the target ``Stage`` row — and only then reads the
neighbours' ranks. Two moves into the same gap therefore run one after the other and the second
sees the first's card, so equal ranks cannot come from concurrent moves. (Lock order is always
deal row, then column, so moves do not deadlock.) Should equal ranks exist anyway (rows written
outside the services), the order is (rank, id) everywhere and the next move into that gap
rebalances the column. See docs/architecture/pipelines.md.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.errors import ValidationError
from pipelines.models import Deal, Stage
from pipelines.ranking import MAX_RANK_LEN, RankError, rank_between, rank_sequence


def lock_column(stage: Stage) -> None:
    column_lock(Stage.objects.filter(pk=stage.pk))


def column_lock(stages: QuerySet[Stage]) -> Stage | None:
    """Lock the column of the one stage ``stages`` selects and return that stage (None when
    there is none) — for a write that has only the stage's id, one query instead of two."""
    return stages.select_for_update(no_key=True).first()


def _column(stage: Stage, exclude_id: int | None) -> QuerySet[Deal]:
    deals = Deal.objects.filter(organization_id=stage.organization_id, stage=stage)
    if exclude_id is not None:
        deals = deals.exclude(pk=exclude_id)
    return deals.order_by("rank", "id")


def _rebalance(stage: Stage) -> None:
    """Spread the column's ranks evenly again (rare: after very many inserts into one gap).
    Ranks are positions, not user data, so versions are not bumped."""
    deals = list(_column(stage, None).only("pk", "rank"))
    for deal, rank in zip(deals, rank_sequence(len(deals)), strict=True):
        deal.rank = rank
    Deal.objects.bulk_update(deals, ["rank"], batch_size=2000)


def _neighbour(stage: Stage, deal_id: Any, exclude_id: int | None, field: str) -> Deal:
    found = None
    if str(deal_id).isdigit():
        found = _column(stage, exclude_id).filter(pk=int(deal_id)).only("pk", "rank").first()
    if found is None:
        message = "That deal is not in the target stage (any more); reload the board."
        raise ValidationError(message, fields={field: [message]})
    return found


def _gap(
    stage: Stage,
    *,
    exclude_id: int | None,
    before_id: Any,
    after_id: Any,
    position: Any,
) -> tuple[Deal | None, Deal | None]:
    """The two cards the deal goes between (None: column end), read under the column lock.

    ``before_id`` is the card that ends up directly above, ``after_id`` directly below. When
    both are given and another card landed between them meanwhile, ``before_id`` wins: the deal
    goes right under the card it was dropped under.
    """
    column = _column(stage, exclude_id).only("pk", "rank")
    if before_id is not None:
        before = _neighbour(stage, before_id, exclude_id, "before_id")
        after = column.filter(
            Q(rank__gt=before.rank) | Q(rank=before.rank, pk__gt=before.pk)
        ).first()
        return before, after
    if after_id is not None:
        after = _neighbour(stage, after_id, exclude_id, "after_id")
        before = (
            column.filter(Q(rank__lt=after.rank) | Q(rank=after.rank, pk__lt=after.pk))
            .order_by("-rank", "-id")
            .first()
        )
        return before, after
    if position is not None:
        if isinstance(position, bool) or not str(position).isdigit():
            message = "Position must be a whole number from 0."
            raise ValidationError(message, fields={"position": [message]})
        index = int(position)
        pair = list(column[max(index - 1, 0) : index + 1])
        if index == 0:
            return None, (pair[0] if pair else None)
        before = pair[0] if pair else column.last()
        return before, (pair[1] if len(pair) > 1 else None)
    return None, column.first()  # default: top of the column


def rank_for(stage: Stage, **where: Any) -> str:
    """A rank for a card placed in ``stage`` as ``where`` says; caller holds the column lock."""
    for attempt in range(2):
        before, after = _gap(stage, **where)
        try:
            rank = rank_between(before.rank if before else None, after.rank if after else None)
        except RankError:
            rank = None  # tied neighbours: rebalance and try again
        if rank is not None and len(rank) <= MAX_RANK_LEN:
            return rank
        if attempt == 0:
            _rebalance(stage)
    raise AssertionError("a rebalanced column always has room")  # pragma: no cover


def append_ranks(stage: Stage, count: int) -> list[str]:
    """``count`` increasing ranks below the column's last card (takes the column lock)."""
    lock_column(stage)
    last = _column(stage, None).only("rank").last()
    rank = last.rank if last else None
    ranks = []
    for _ in range(count):
        rank = rank_between(rank, None)
        ranks.append(rank)
    if ranks and len(ranks[-1]) > MAX_RANK_LEN:
        _rebalance(stage)
        return append_ranks(stage, count)
    return ranks
