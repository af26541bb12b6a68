"""The provider registry: providers propose, ``contact_enrich`` applies through the services."""

import pytest

from automation.models import Event
from crm.enrichment import contact_enrich, enrichment_provider, enrichment_provider_remove
from crm.tests.factories import ContactFactory


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def providers():
    """Register test providers for one test only."""
    names: list[str] = []

    def add(name, func):
        enrichment_provider(name)(func)
        names.append(name)

    yield add
    for name in names:
        enrichment_provider_remove(name)


def test_a_providers_proposal_is_applied_as_a_contact_update(owner, providers):
    contact = ContactFactory(organization=owner.organization, title="", emails=[])
    providers("test_title", lambda c: {"title": "Founder"})

    applied = contact_enrich(contact=contact, actor=owner.user, providers=["test_title"])

    contact.refresh_from_db()
    assert applied == ["test_title"]
    assert contact.title == "Founder"
    assert Event.objects.filter(name="contact.updated").count() == 1


def test_the_earlier_provider_wins_on_the_same_field(owner, providers):
    contact = ContactFactory(organization=owner.organization, title="", emails=[])
    providers("test_first", lambda c: {"title": "CEO"})
    providers("test_second", lambda c: {"title": "CTO", "source": "telegram"})

    contact_enrich(contact=contact, actor=owner.user, providers=["test_first", "test_second"])

    contact.refresh_from_db()
    assert (contact.title, contact.source) == ("CEO", "telegram")


def test_nothing_proposed_changes_nothing(owner, providers):
    contact = ContactFactory(organization=owner.organization, emails=[])
    providers("test_quiet", lambda c: {})

    assert contact_enrich(contact=contact, actor=owner.user, providers=["test_quiet"]) == []
    assert not Event.objects.exists()
