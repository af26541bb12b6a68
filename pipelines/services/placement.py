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
from pipelines.statements import Statement


def _cards(organization_id: int, stage_id: int, exclude_id: int) -> QuerySet[Deal]:
    """``_column(…).only("pk", "rank")`` by ids: the reads of a gap, compiled once below."""
    return (
        Deal.objects.filter(organization_id=organization_id, stage_id=stage_id)
        .exclude(pk=exclude_id)
        .order_by("rank", "id")
        .only("pk", "rank")
    )


_CARD = dict(organization_id=int, stage_id=int, exclude_id=int)
_NAMED_CARD = Statement(lambda pk, **column: _cards(**column).filter(pk=pk)[:1], pk=int, **_CARD)
_CARD_BELOW = Statement(
    lambda rank, pk, **column: _cards(**column).filter(Q(rank__gt=rank) | Q(rank=rank, pk__gt=pk))[
        :1
    ],
    rank=str,
    pk=int,
    **_CARD,
)
_CARD_ABOVE = Statement(
    lambda rank, pk, **column: (
        _cards(**column)
        .filter(Q(rank__lt=rank) | Q(rank=rank, pk__lt=pk))
        .order_by("-rank", "-id")[:1]
    ),
    rank=str,
    pk=int,
    **_CARD,
)
_TOP_CARD = Statement(lambda **column: _cards(**column)[:1], **_CARD)


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


def _first(statement: Statement, column: dict[str, int], **values: Any) -> Deal | None:
    found = statement.run(**column, **values)
    return found[0] if found else None


def _neighbour(deal_id: Any, column: dict[str, int], field: str) -> Deal:
    found = None
    if str(deal_id).isdigit():
        found = _first(_NAMED_CARD, column, pk=int(deal_id))
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
    # No deal has id 0: "all but none" is the same column, read by the same compiled SQL.
    ids = {"organization_id": stage.organization_id, "stage_id": stage.pk}
    ids["exclude_id"] = exclude_id if exclude_id is not None else 0
    if before_id is not None:
        before = _neighbour(before_id, ids, "before_id")
        return before, _first(_CARD_BELOW, ids, rank=before.rank, pk=before.pk)
    if after_id is not None:
        after = _neighbour(after_id, ids, "after_id")
        return _first(_CARD_ABOVE, ids, rank=after.rank, pk=after.pk), after
    if position is not None:
        if isinstance(position, bool) or not str(position).isdigit():
            message = "Position must be a whole number from 0."
            raise ValidationError(message, fields={"position": [message]})
        index = int(position)
        column = _column(stage, exclude_id).only("pk", "rank")
        pair = list(column[max(index - 1, 0) : index + 1])
        if index == 0:
            return None, (pair[0] if pair else None)
        before = pair[0] if pair else column.last()
        return before, (pair[1] if len(pair) > 1 else None)
    return None, _first(_TOP_CARD, ids)  # default: top of the column


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
