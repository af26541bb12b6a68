"""Campaign variables: what a message may use, what each contact's message says, and which
contacts would get an empty value."""

import pytest

from campaigns.tests.factories import CampaignFactory, CampaignStepFactory, StepVariantFactory
from campaigns.variables import (
    MissingVariable,
    campaign_variables,
    missing_variables,
    render_for,
    template_errors,
    values_for,
)
from crm.models import Entity
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
)
from messaging.templating import render

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(make_member):
    member = make_member("bidi", full_name="Sam Carter")
    return CampaignFactory(organization=member.organization, sender=member.user)


def test_the_variables_include_the_organizations_custom_fields(campaign):
    org = campaign.organization
    CustomFieldDefinitionFactory(organization=org, key="industry", label="Industry")
    CustomFieldDefinitionFactory(organization=org, entity=Entity.COMPANY, key="tier", label="Tier")
    CustomFieldDefinitionFactory(key="elsewhere")  # another organization's

    names = [v.name for v in campaign_variables(org)]

    for name in (
        "contact.first_name",
        "contact.last_name",
        "contact.full_name",
        "contact.title",
        "contact.company",
        "company.name",
        "contact.custom.industry",
        "company.custom.tier",
        "sender.first_name",
        "sender.full_name",
    ):
        assert name in names
    assert "contact.custom.elsewhere" not in names
    assert all(v.label and v.example for v in campaign_variables(org))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("Hi {{ contact.first_name }}", None),
        ('Hi {{ contact.custom.industry | default:"x" }}', None),
        ("Hi {{ contact.nickname }}", "Unknown variable “contact.nickname”"),
        ("{{ contact.__class__ }}", "Unknown variable “contact.__class__”"),
        ("{{ contact._meta }}", "Unknown variable “contact._meta”"),
        ("{{ sender.password }}", "Unknown variable “sender.password”"),
        ("{{ contact.custom.unknown }}", "Unknown variable “contact.custom.unknown”"),
        ("Hi {{ contact.first_name", "never closed"),
    ],
)
def test_template_errors_refuse_syntax_errors_and_unknown_names(campaign, body, problem):
    CustomFieldDefinitionFactory(organization=campaign.organization, key="industry")

    errors = template_errors(campaign.organization, body)

    if problem is None:
        assert errors == []
    else:
        assert len(errors) == 1 and problem in errors[0]


def test_each_contact_gets_its_own_values(campaign, django_assert_max_num_queries):
    org = campaign.organization
    CustomFieldDefinitionFactory(organization=org, key="industry")
    CustomFieldDefinitionFactory(organization=org, key="seats", field_type="multi_select")
    CustomFieldDefinitionFactory(organization=org, entity=Entity.COMPANY, key="tier")
    ada = ContactFactory(
        organization=org,
        first_name="Ada",
        last_name="Lovelace",
        title="CTO",
        custom_fields={"industry": "Fintech", "seats": ["EU", "US"]},
    )
    main = CompanyFactory(organization=org, name="Engines", custom_fields={"tier": "gold"})
    ContactCompanyFactory(organization=org, contact=ada, company=CompanyFactory(organization=org))
    ContactCompanyFactory(organization=org, contact=ada, company=main, is_primary=True)
    bob = ContactFactory(organization=org, first_name="Bob", last_name="", title="")
    contacts = [ada, bob, *ContactFactory.create_batch(5, organization=org)]
    body = (
        '{{ contact.first_name }} {{ contact.full_name }}, {{ contact.title | default:"boss" }} '
        "at {{ company.name }} ({{ company.custom.tier }}) in {{ contact.custom.industry }} "
        "{{ contact.custom.seats }} — {{ sender.first_name }} / {{ sender.full_name }}"
    )

    with django_assert_max_num_queries(4):
        resolvers = values_for(campaign, contacts)
        texts = {pk: render(body, resolve) for pk, resolve in resolvers.items()}

    assert texts[ada.pk] == (
        "Ada Ada Lovelace, CTO at Engines (gold) in Fintech EU, US — Sam / Sam Carter"
    )
    assert texts[bob.pk] == "Bob Bob, boss at  () in   — Sam / Sam Carter"


def test_render_for_is_sandboxed(campaign):
    contact = ContactFactory(
        organization=campaign.organization, first_name="{{ sender.full_name }}"
    )

    text = render_for(
        campaign,
        "{{ contact.first_name }}|{{ contact.__class__ }}|{{ sender.password }}",
        contact,
    )

    assert text == "{{ sender.full_name }}|{{ contact.__class__ }}|{{ sender.password }}"
    assert "pbkdf2" not in text and "Contact" not in text


def test_missing_variables_counts_contacts_with_empty_values_without_a_default(campaign):
    org = campaign.organization
    CustomFieldDefinitionFactory(organization=org, key="industry")
    first = CampaignStepFactory(campaign=campaign, position=0)
    StepVariantFactory(step=first, label="A", body="Hi {{ contact.first_name }}")
    StepVariantFactory(step=first, label="B", body='Hi {{ contact.first_name | default:"there" }}')
    second = CampaignStepFactory(campaign=campaign, position=1)
    StepVariantFactory(
        step=second, label="A", body="{{ contact.custom.industry }} at {{ company.name }}"
    )
    named = ContactFactory(organization=org, first_name="Ada", custom_fields={"industry": "AI"})
    ContactCompanyFactory(organization=org, contact=named)
    nameless = ContactFactory.create_batch(3, organization=org, first_name="")
    other_org = ContactFactory(first_name="")  # not counted: another organization's

    missing = missing_variables(campaign, [named.pk, *(c.pk for c in nameless), other_org.pk])

    assert missing == [
        MissingVariable(0, "A", "contact.first_name", 3),
        MissingVariable(1, "A", "contact.custom.industry", 3),
        MissingVariable(1, "A", "company.name", 3),
    ]
