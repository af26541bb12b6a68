"""``Statement``: a queryset compiled once answers, for any values, what the queryset itself
answers (the deal move's reads use it)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError

from crm.tests.factories import CompanyFactory
from pipelines.models import Deal
from pipelines.services.deals import deal_create
from pipelines.statements import Statement


def _column(stage_id, rank, pk):
    return (
        Deal.objects.filter(stage_id=stage_id)
        .filter(Q(rank__gt=rank) | Q(rank=rank, pk__gt=pk))
        .select_related("company", "owner")
        .order_by("rank", "id")
    )


@pytest.fixture
def column(team):
    company = CompanyFactory(organization=team.organization, name="Initech")
    deals = [
        deal_create(
            organization=team.organization,
            actor=team.bidi,
            title=f"Deal {n}",
            stage=team.stage("Lead"),
            company=company if n % 2 else None,
            owner=team.bidi,
        )
        for n in range(5)
    ]
    return team.stage("Lead"), sorted(deals, key=lambda d: (d.rank, d.pk))


def test_each_run_answers_what_the_queryset_answers(column):
    stage, deals = column
    statement = Statement(_column, stage_id=int, rank=str, pk=int)

    for deal in [deals[0], deals[2], deals[4]]:
        expected = list(_column(stage.pk, deal.rank, deal.pk))
        found = statement.run(stage_id=stage.pk, rank=deal.rank, pk=deal.pk)

        assert [d.pk for d in found] == [d.pk for d in expected]
        assert [d.value for d in found] == [d.value for d in expected]
        assert [d.company.name if d.company else None for d in found] == [
            d.company.name if d.company else None for d in expected
        ]
        assert all(d.owner.email == deal.owner.email for d in found)
    assert statement.run(stage_id=stage.pk + 1000, rank="", pk=0) == []


def test_values_of_another_type_are_refused(column):
    stage, deals = column
    statement = Statement(_column, stage_id=int, rank=str, pk=int)

    with pytest.raises(TypeError):
        statement.run(stage_id=str(stage.pk), rank=deals[0].rank, pk=deals[0].pk)
    with pytest.raises(TypeError):
        statement.run(stage_id=True, rank=deals[0].rank, pk=deals[0].pk)


def test_a_value_the_sql_does_not_carry_as_a_parameter_is_refused(db):
    statement = Statement(lambda title: Deal.objects.filter(title__contains=title), title=str)

    with pytest.raises(ValueError, match="whole parameter"):
        statement.run(title="x")


def test_a_locking_statement_needs_a_transaction(transactional_db, team):
    deal = deal_create(organization=team.organization, actor=team.bidi, title="Locked")
    statement = Statement(lambda pk: Deal.objects.select_for_update().filter(pk=pk), pk=int)
    with transaction.atomic():
        assert [d.pk for d in statement.run(pk=deal.pk)] == [deal.pk]

    with pytest.raises(TransactionManagementError):
        statement.run(pk=deal.pk)
