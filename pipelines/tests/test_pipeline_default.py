"""Every organization has the default BD pipeline: new ones through the signal, old ones through
the data migration."""

from __future__ import annotations

import importlib

from django.apps import apps

from accounts.services import organization_create
from accounts.tests.factories import OrganizationFactory, UserFactory
from automation.models import Event
from pipelines.models import Pipeline, Stage, StageKind
from pipelines.services.pipelines import pipeline_create_default

EXPECTED = [
    ("Lead", 10, "open", 14),
    ("Contacted", 20, "open", 7),
    ("Engaged", 40, "open", 7),
    ("Meeting", 60, "open", 7),
    ("Proposal", 80, "open", 14),
    ("Won", 100, "won", None),
    ("Lost", 0, "lost", None),
]


def _stages(pipeline: Pipeline) -> list[tuple]:
    return list(
        pipeline.stages.order_by("position").values_list(
            "name", "probability", "kind", "rotting_days"
        )
    )


def test_a_new_organization_gets_the_default_pipeline(db):
    organization = organization_create(name="Fresh", owner=UserFactory())
    pipeline = Pipeline.objects.get(organization=organization)
    assert pipeline.is_default
    assert _stages(pipeline) == EXPECTED
    assert Stage.objects.filter(organization=organization, kind=StageKind.WON).count() == 1
    assert Event.objects.filter(organization=organization, name="pipeline.created").exists()


def test_creating_the_default_twice_keeps_one(db):
    organization = OrganizationFactory()
    first = pipeline_create_default(organization=organization)
    assert pipeline_create_default(organization=organization) == first
    assert Pipeline.objects.filter(organization=organization).count() == 1


def test_the_data_migration_covers_organizations_without_one(db):
    migration = importlib.import_module("pipelines.migrations.0002_default_pipelines")
    without = OrganizationFactory()
    with_one = OrganizationFactory()
    pipeline_create_default(organization=with_one)
    migration.create_default_pipelines(apps, None)
    assert _stages(Pipeline.objects.get(organization=without, is_default=True)) == EXPECTED
    assert Pipeline.objects.filter(organization=with_one).count() == 1
