from __future__ import annotations

import factory

from accounts.tests.factories import OrganizationFactory
from pipelines.models import Deal, DealPayment, DealStageChange, Pipeline, Stage, StageKind


class PipelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pipeline

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Pipeline {n}")
    position = factory.Sequence(lambda n: n + 1)
    is_default = False


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    organization = factory.SubFactory(OrganizationFactory)
    pipeline = factory.SubFactory(
        PipelineFactory, organization=factory.SelfAttribute("..organization")
    )
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(lambda n: n)
    probability = 50
    kind = StageKind.OPEN
    rotting_days = 7


class DealFactory(factory.django.DjangoModelFactory):
    """A deal written straight to the table (tests of reads); use the services for writes."""

    class Meta:
        model = Deal

    organization = factory.SubFactory(OrganizationFactory)
    stage = factory.SubFactory(StageFactory, organization=factory.SelfAttribute("..organization"))
    pipeline = factory.SelfAttribute("stage.pipeline")
    title = factory.Sequence(lambda n: f"Deal {n}")
    value = factory.Sequence(lambda n: 1000 + n)
    currency = "USD"
    # Valid ranks (base 62, not ending in "0"), increasing with creation.
    rank = factory.Sequence(lambda n: f"V{n:08d}V")


class DealStageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealStageChange

    organization = factory.SubFactory(OrganizationFactory)
    deal = factory.SubFactory(DealFactory, organization=factory.SelfAttribute("..organization"))
    from_stage = None
    to_stage = factory.SelfAttribute("deal.stage")


class DealPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealPayment

    organization = factory.SubFactory(OrganizationFactory)
    deal = factory.SubFactory(DealFactory, organization=factory.SelfAttribute("..organization"))
    amount = factory.Sequence(lambda n: 100 + n)
    currency = "USD"
    reference = factory.Sequence(lambda n: f"INV-{n:04d}")
