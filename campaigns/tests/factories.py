from __future__ import annotations

import factory

from accounts.tests.factories import OrganizationFactory
from campaigns.models import Campaign, CampaignSend, CampaignStep, Recipient, StepVariant
from crm.tests.factories import ContactFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Outreach {n}")


class CampaignStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignStep

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    position = factory.Sequence(lambda n: n)
    delay_minutes = 0


class StepVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepVariant

    step = factory.SubFactory(CampaignStepFactory)
    organization = factory.SelfAttribute("step.organization")
    label = "A"
    body = 'Hi {{ contact.first_name | default:"there" }}!'
    weight = 100


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    contact = factory.SubFactory(
        ContactFactory, organization=factory.SelfAttribute("..organization")
    )


class CampaignSendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignSend

    recipient = factory.SubFactory(RecipientFactory)
    organization = factory.SelfAttribute("recipient.organization")
    campaign = factory.SelfAttribute("recipient.campaign")
    step = factory.SubFactory(CampaignStepFactory, campaign=factory.SelfAttribute("..campaign"))
    variant = factory.SubFactory(StepVariantFactory, step=factory.SelfAttribute("..step"))
