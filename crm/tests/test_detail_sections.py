"""``crm.detail_sections``: apps that stand on crm add cards to contact and company pages."""

from __future__ import annotations

import pytest

from crm import detail_sections
from crm.models import Entity
from crm.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    """The registry as the apps left it, restored after the test."""
    saved = {entity: list(sections) for entity, sections in detail_sections._sections.items()}
    yield detail_sections
    detail_sections._sections.clear()
    detail_sections._sections.update(saved)


def _card(request, record):
    return "crm/_note_preview.html", {"body": f"About **{record}**"}


def _nothing(request, record):
    return None


def test_a_registered_section_shows_on_its_entitys_pages_only(registry, make_member, client):
    member = make_member("viewer")
    client.force_login(member.user)
    contact = ContactFactory(organization=member.organization, first_name="Ada", last_name="B")
    company = CompanyFactory(organization=member.organization, name="Orbit")
    registry.register(Entity.CONTACT, _card)

    contact_html = client.get(f"/contacts/{contact.pk}/").content.decode()
    company_html = client.get(f"/companies/{company.pk}/").content.decode()

    assert "About <strong>Ada B</strong>" in contact_html
    assert "About <strong>" not in company_html


def test_a_section_returning_none_shows_nothing_and_registering_twice_shows_once(
    registry, rf, make_member
):
    member = make_member("viewer")
    contact = ContactFactory(organization=member.organization, first_name="Ada", last_name="B")
    registry._sections[Entity.CONTACT].clear()  # only this test's sections
    registry.register(Entity.CONTACT, _nothing)
    registry.register(Entity.CONTACT, _card)
    registry.register(Entity.CONTACT, _card)
    before = len([s for s in registry._sections[Entity.CONTACT] if s is _card])

    rendered = registry.sections_render(rf.get("/"), contact)

    assert before == 1
    assert sum("About <strong>Ada B</strong>" in html for html in rendered) == 1


def test_an_unknown_entity_is_refused(registry):
    with pytest.raises(ValueError):
        registry.register("deal", _card)
