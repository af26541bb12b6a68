from __future__ import annotations

import factory

from accounts.tests.factories import OrganizationFactory
from agents.models import AISettings, AutoSendChannel, Draft, StageSuggestion, Usage
from messaging.tests.factories import ChatFactory, TelegramBotFactory
from pipelines.tests.factories import DealFactory, StageFactory


class DraftFactory(factory.django.DjangoModelFactory):
    """A draft written straight to the table (tests of reads); use the services for writes."""

    class Meta:
        model = Draft

    organization = factory.SubFactory(OrganizationFactory)
    chat = factory.SubFactory(
        ChatFactory,
        organization=factory.SelfAttribute("..organization"),
        bot__organization=factory.SelfAttribute("..organization"),
    )
    status = Draft.Status.READY
    text = "Thanks for your message, happy to help."
    provider = "local"
    model = "local"


class StageSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageSuggestion

    organization = factory.SubFactory(OrganizationFactory)
    deal = factory.SubFactory(DealFactory, organization=factory.SelfAttribute("..organization"))
    from_stage = factory.SelfAttribute("deal.stage")
    to_stage = factory.SubFactory(
        StageFactory,
        organization=factory.SelfAttribute("..organization"),
        pipeline=factory.SelfAttribute("..deal.pipeline"),
    )
    signal = "price"
    reason = "They asked about price: “what would it cost?”"


class AISettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AISettings
        django_get_or_create = ("organization",)

    organization = factory.SubFactory(OrganizationFactory)


class AutoSendChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AutoSendChannel

    organization = factory.SubFactory(OrganizationFactory)
    bot = factory.SubFactory(
        TelegramBotFactory, organization=factory.SelfAttribute("..organization")
    )


class UsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Usage

    organization = factory.SubFactory(OrganizationFactory)
    kind = Usage.Kind.DRAFT
    provider = "openai"
    model = "gpt-4o-mini"
    prompt_tokens = 1000
    completion_tokens = 100
