from __future__ import annotations

import factory

from accounts.tests.factories import OrganizationFactory
from automation.models import (
    Event,
    IdempotencyRecord,
    Trigger,
    TriggerRun,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organization = factory.SubFactory(OrganizationFactory)
    name = "organization.updated"
    payload = factory.LazyFunction(lambda: {"organization": {}, "changed": ["name"]})


class TriggerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trigger

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Automation {n}")
    when = Trigger.When.EVENT
    event_name = "contact.created"
    conditions = factory.LazyFunction(lambda: {"all": []})
    actions = factory.LazyFunction(list)


class TriggerRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TriggerRun

    trigger = factory.SubFactory(TriggerFactory)
    organization = factory.SelfAttribute("trigger.organization")
    dedupe_key = factory.Sequence(lambda n: f"event:{n}")
    status = TriggerRun.Status.SUCCEEDED


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.com/{n}")
    event_types = factory.LazyFunction(lambda: ["*"])
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    organization = factory.SelfAttribute("endpoint.organization")
    message_id = factory.Sequence(lambda n: f"msg_test_{n}")
    event_type = "organization.updated"
    body = "{}"


class WebhookAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    organization = factory.SelfAttribute("delivery.organization")
    status_code = 200
    succeeded = True


class IdempotencyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyRecord

    principal = factory.Sequence(lambda n: f"principal-{n}")
    key = factory.Sequence(lambda n: f"key-{n}")
    method = "POST"
    path = "/api/v1/contacts/"
    request_hash = "0" * 64
    status_code = 201
