from __future__ import annotations

import factory

from accounts.tests.factories import OrganizationFactory
from automation.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organization = factory.SubFactory(OrganizationFactory)
    name = "organization.updated"
    payload = factory.LazyFunction(lambda: {"organization": {}, "changed": ["name"]})
