from __future__ import annotations

import factory
from django.utils import timezone

from accounts.tests.factories import OrganizationFactory, UserFactory
from notifications.models import (
    Delivery,
    Notification,
    OrgDefault,
    Preference,
    TelegramLinkCode,
    UserSettings,
)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    type = "deal.won"
    key = factory.Sequence(lambda n: f"deal.won:test:{n}")
    title = factory.Sequence(lambda n: f"Deal {n} won")
    body = "Acme signed."
    url = "/pipeline/"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = "email"


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    user = factory.SubFactory(UserFactory)
    type = "deal.won"
    channel = "email"
    enabled = False


class OrgDefaultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgDefault

    organization = factory.SubFactory(OrganizationFactory)
    type = "deal.won"
    channel = "email"
    enabled = True


class UserSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSettings

    user = factory.SubFactory(UserFactory)


class TelegramLinkCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TelegramLinkCode

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    code_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(minutes=30))
