from __future__ import annotations

import factory
from django.core.files.base import ContentFile

from accounts.tests.factories import OrganizationFactory
from crm.models import (
    Company,
    Contact,
    ContactCompany,
    CustomFieldDefinition,
    DuplicateDismissal,
    Entity,
    ImportJob,
    ImportRowError,
    NameWord,
    Note,
    SavedView,
    Tag,
)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class CustomFieldDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomFieldDefinition

    organization = factory.SubFactory(OrganizationFactory)
    entity = Entity.CONTACT
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")
    field_type = CustomFieldDefinition.FieldType.TEXT


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("company")
    domain = factory.Sequence(lambda n: f"company{n}.example")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    emails = factory.Sequence(lambda n: [f"contact{n}@example.com"])


class ContactCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactCompany

    organization = factory.SubFactory(OrganizationFactory)
    contact = factory.SubFactory(
        ContactFactory, organization=factory.SelfAttribute("..organization")
    )
    company = factory.SubFactory(
        CompanyFactory, organization=factory.SelfAttribute("..organization")
    )
    role = "Partner"


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    organization = factory.SubFactory(OrganizationFactory)
    contact = factory.SubFactory(
        ContactFactory, organization=factory.SelfAttribute("..organization")
    )
    body = "Met at the conference; interested in a pilot."


class SavedViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedView

    organization = factory.SubFactory(OrganizationFactory)
    entity = Entity.CONTACT
    name = factory.Sequence(lambda n: f"View {n}")
    filters = factory.LazyFunction(lambda: {"q": "acme"})
    owner = factory.SubFactory("accounts.tests.factories.UserFactory")
    shared = True


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    organization = factory.SubFactory(OrganizationFactory)
    entity = Entity.CONTACT
    file = factory.LazyFunction(lambda: ContentFile(b"email\na@example.com\n", name="people.csv"))
    original_filename = "people.csv"


class ImportRowErrorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRowError

    organization = factory.SubFactory(OrganizationFactory)
    job = factory.SubFactory(ImportJobFactory, organization=factory.SelfAttribute("..organization"))
    line = 2
    reason = "Invalid email address."
    row = factory.LazyFunction(lambda: {"email": "nope"})


class NameWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NameWord

    organization = factory.SubFactory(OrganizationFactory)
    word = factory.Sequence(lambda n: f"word{n}")


class DuplicateDismissalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DuplicateDismissal

    organization = factory.SubFactory(OrganizationFactory)
    entity = Entity.CONTACT
    low_id = factory.Sequence(lambda n: 2 * n + 1)
    high_id = factory.Sequence(lambda n: 2 * n + 2)
