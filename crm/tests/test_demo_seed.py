from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import demo_organization
from crm.models import Company, Contact, CustomFieldDefinition, Note, Tag

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_fills_the_demo_organizations_crm():
    seed()

    organization = demo_organization()
    assert Contact.objects.filter(organization=organization).count() == 40
    assert Company.objects.filter(organization=organization).count() == 12
    assert Tag.objects.filter(organization=organization).exists()
    assert Note.objects.filter(organization=organization).exists()
    assert CustomFieldDefinition.objects.filter(organization=organization).count() == 4


def test_seeding_twice_adds_no_second_set_of_contacts():
    seed()
    seed()

    assert Contact.objects.filter(organization=demo_organization()).count() == 40
