from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import demo_organization
from crm.models import Note
from pipelines.models import Deal, DealStageChange, Pipeline
from pipelines.selectors import board

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_seed_demo_puts_deals_in_every_stage_of_the_default_pipeline():
    seed()
    organization = demo_organization()
    pipeline = Pipeline.objects.get(organization=organization, is_default=True)
    columns = board(organization, pipeline).columns
    assert all(column.count >= 1 for column in columns), [(c.stage.name, c.count) for c in columns]
    assert Deal.objects.filter(organization=organization, lost_reason__gt="").exists()
    assert DealStageChange.objects.filter(
        organization=organization, from_stage__isnull=False
    ).exists()
    assert Note.objects.filter(organization=organization, deal__isnull=False).count() == 3
    assert any(deal.is_stale for column in columns for deal in column.deals)


def test_seeding_twice_adds_no_second_set_of_deals():
    seed()
    count = Deal.objects.filter(organization=demo_organization()).count()
    seed()
    assert Deal.objects.filter(organization=demo_organization()).count() == count == 13
