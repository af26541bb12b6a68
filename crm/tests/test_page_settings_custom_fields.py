import pytest

from crm.models import CustomFieldDefinition
from crm.tests.factories import ContactFactory, CustomFieldDefinitionFactory

pytestmark = pytest.mark.django_db
URL = "/crm/settings/custom-fields/"


def _signed_in(client, make_member, role="admin"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_page_lists_contact_and_company_fields(make_member, client):
    member = _signed_in(client, make_member)
    CustomFieldDefinitionFactory(organization=member.organization, label="Ticket size")
    CustomFieldDefinitionFactory(organization=member.organization, entity="company", label="ARR")

    html = client.get(URL).content.decode()

    assert "Ticket size" in html
    assert "ARR" in html


def test_admin_adds_a_select_field_with_options(make_member, client):
    member = _signed_in(client, make_member)

    response = client.post(
        f"{URL}new/?entity=company",
        {"label": "Funding stage", "field_type": "select", "options": "Seed\nSeries A\n"},
    )

    definition = CustomFieldDefinition.objects.get(organization=member.organization)
    assert response["Location"] == URL
    assert (definition.entity, definition.key) == ("company", "funding_stage")
    assert definition.options == ["Seed", "Series A"]


def test_a_select_field_without_options_is_refused(make_member, client):
    _signed_in(client, make_member)

    html = client.post(f"{URL}new/", {"label": "Stage", "field_type": "select"}).content.decode()

    assert "Add at least one option, one per line." in html
    assert not CustomFieldDefinition.objects.exists()


def test_a_taken_key_is_refused_next_to_the_field(make_member, client):
    member = _signed_in(client, make_member)
    CustomFieldDefinitionFactory(organization=member.organization, key="budget")

    html = client.post(
        f"{URL}new/", {"label": "Budget", "key": "budget", "field_type": "number"}
    ).content.decode()

    assert 'id="id_key_error"' in html
    assert "A field with this key exists." in html


def test_editing_changes_the_label_and_required_flag(make_member, client):
    member = _signed_in(client, make_member)
    definition = CustomFieldDefinitionFactory(organization=member.organization, label="Old")

    client.post(f"{URL}{definition.pk}/", {"label": "New", "required": "on"})

    definition.refresh_from_db()
    assert (definition.label, definition.required) == ("New", True)


def test_moving_a_field_up_swaps_it_with_the_one_above(make_member, client):
    member = _signed_in(client, make_member)
    first = CustomFieldDefinitionFactory(organization=member.organization, position=0)
    second = CustomFieldDefinitionFactory(organization=member.organization, position=1)

    client.post(f"{URL}{second.pk}/move/", {"direction": "up"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.position < first.position


def test_deleting_a_field_removes_its_values(make_member, client):
    member = _signed_in(client, make_member)
    definition = CustomFieldDefinitionFactory(organization=member.organization, key="budget")
    contact = ContactFactory(organization=member.organization, custom_fields={"budget": 5})

    client.post(f"{URL}{definition.pk}/delete/")

    contact.refresh_from_db()
    assert contact.custom_fields == {}
    assert not CustomFieldDefinition.objects.exists()


def test_business_developer_cannot_configure_fields(make_member, client):
    _signed_in(client, make_member, "bidi")

    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}new/", {"label": "X", "field_type": "text"}).status_code == 403
