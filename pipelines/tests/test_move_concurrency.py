"""Concurrent moves into the same gap of a column: the column lock makes the second move wait
for the first and read its card, so ranks never tie and neither move is lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from accounts.services import organization_create
from accounts.tests.factories import UserFactory
from pipelines.errors import DealConflict
from pipelines.models import Deal, Pipeline
from pipelines.services.deals import deal_create, deal_move, deal_update

pytestmark = pytest.mark.django_db(transaction=True)


def _run(target, errors: list) -> threading.Thread:
    def body() -> None:
        try:
            target()
        except Exception as error:  # surfaced by the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def _column(stage) -> list[str]:
    return list(
        Deal.objects.filter(stage=stage).order_by("rank", "id").values_list("title", flat=True)
    )


def test_two_moves_into_the_same_gap_do_not_tie():
    owner = UserFactory()
    organization = organization_create(name="Race", owner=owner)
    stages = Pipeline.objects.get(organization=organization).stages.order_by("position")
    lead, meeting = stages[0], stages[3]
    for title in ("Y", "X"):
        deal_create(organization=organization, actor=owner, title=title, stage=lead)
    for title in ("P", "Q"):
        deal_create(organization=organization, actor=owner, title=title, stage=meeting)
    x, y = Deal.objects.get(title="X"), Deal.objects.get(title="Y")
    first_moved = threading.Event()
    release_first = threading.Event()
    errors: list[Exception] = []

    def first() -> None:
        with transaction.atomic():
            deal_move(
                deal=Deal.objects.get(title="P"),
                actor=owner,
                stage=lead,
                before_id=x.pk,
                after_id=y.pk,
            )
            first_moved.set()
            release_first.wait(10)  # hold the column lock while the second move starts

    def second() -> None:
        first_moved.wait(10)
        deal_move(
            deal=Deal.objects.get(title="Q"), actor=owner, stage=lead, before_id=x.pk, after_id=y.pk
        )

    threads = [_run(first, errors), _run(second, errors)]
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the second move should wait for the column lock"
    release_first.set()
    for thread in threads:
        thread.join(15)
    assert not errors, errors
    ranks = list(Deal.objects.filter(stage=lead).values_list("rank", flat=True))
    assert len(set(ranks)) == len(ranks) == 4
    # Both landed right under X, the later one on top: nothing lost, order well defined.
    assert _column(lead) == ["X", "Q", "P", "Y"]


def test_many_concurrent_moves_keep_every_card_and_distinct_ranks():
    owner = UserFactory()
    organization = organization_create(name="Crowd", owner=owner)
    stages = list(Pipeline.objects.get(organization=organization).stages.order_by("position"))
    for n in range(12):
        deal_create(organization=organization, actor=owner, title=f"D{n}", stage=stages[n % 3])
    ids = list(Deal.objects.filter(organization=organization).values_list("pk", flat=True))
    target = stages[4]
    anchor = deal_create(organization=organization, actor=owner, title="anchor", stage=target)
    errors: list[Exception] = []
    start = threading.Barrier(len(ids))

    def mover(pk: int):
        def move() -> None:
            start.wait(10)
            deal_move(deal=Deal.objects.get(pk=pk), actor=owner, stage=target, after_id=anchor.pk)

        return move

    threads = [_run(mover(pk), errors) for pk in ids]
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    column = list(Deal.objects.filter(stage=target).order_by("rank", "id"))
    assert len(column) == 13 and column[-1] == anchor
    assert len({deal.rank for deal in column}) == 13
    assert all(deal.version == 2 for deal in column[:-1])


def test_two_edits_from_the_same_version_one_wins_the_other_conflicts():
    owner = UserFactory()
    organization = organization_create(name="Edits", owner=owner)
    deal = deal_create(organization=organization, actor=owner, title="Shared", value=100)
    first_saved = threading.Event()
    release_first = threading.Event()
    errors: list[Exception] = []

    def first() -> None:
        with transaction.atomic():
            deal_update(
                deal=Deal.objects.get(pk=deal.pk),
                actor=owner,
                data={"title": "Mine"},
                expected_version=1,
            )
            first_saved.set()
            release_first.wait(10)

    def second() -> None:
        first_saved.wait(10)
        deal_update(
            deal=Deal.objects.get(pk=deal.pk), actor=owner, data={"value": "5"}, expected_version=1
        )

    threads = [_run(first, errors), _run(second, errors)]
    threads[1].join(1.0)
    assert threads[1].is_alive(), "the second edit should wait for the row lock"
    release_first.set()
    for thread in threads:
        thread.join(15)
    assert [type(e) for e in errors] == [DealConflict]
    deal.refresh_from_db()
    assert (deal.title, str(deal.value), deal.version) == ("Mine", "100.00", 2)
