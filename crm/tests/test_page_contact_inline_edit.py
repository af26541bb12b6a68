import pytest

from crm.tests.factories import ContactFactory, CustomFieldDefinitionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _signed_in(client, make_member, role="bidi"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_clicking_a_field_answers_with_its_editor(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization, title="CTO")

    html = client.get(f"/contacts/{contact.pk}/field/?field=title", **HTMX).content.decode()

    assert 'name="title"' in html
    assert 'value="CTO"' in html
    assert "Cancel" in html


def test_saving_a_field_answers_with_the_new_value_and_header(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization, title="CTO")

    response = client.post(f"/contacts/{contact.pk}/field/?field=title", {"title": "CEO"}, **HTMX)

    html = response.content.decode()
    contact.refresh_from_db()
    assert contact.title == "CEO"
    assert 'id="field-title"' in html
    assert "Saved" in html
    assert 'id="record-header" hx-swap-oob="true"' in html


def test_emails_typed_on_one_line_are_saved_normalised(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)

    client.post(
        f"/contacts/{contact.pk}/field/?field=emails",
        {"emails": "Anna@Acme.io, anna.private@example.com"},
        **HTMX,
    )

    contact.refresh_from_db()
    assert contact.emails == ["anna@acme.io", "anna.private@example.com"]


def test_an_invalid_phone_is_refused_with_the_message_next_to_the_field(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization, phones=[])

    response = client.post(
        f"/contacts/{contact.pk}/field/?field=phones", {"phones": "030 1234"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field-row is-editing"' in html
    assert "“030 1234”: Enter the phone number with its country code, e.g. +49 30 123456." in html
    contact.refresh_from_db()
    assert contact.phones == []


def test_a_taken_telegram_username_is_refused_next_to_the_field(make_member, client):
    member = _signed_in(client, make_member)
    ContactFactory(organization=member.organization, telegram_username="anna_acme")
    contact = ContactFactory(organization=member.organization)

    html = client.post(
        f"/contacts/{contact.pk}/field/?field=telegram_username",
        {"telegram_username": "@Anna_Acme"},
        **HTMX,
    ).content.decode()

    assert "@anna_acme is already the contact" in html


def test_clearing_the_name_of_a_contact_with_nothing_else_is_refused(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization, emails=[])

    html = client.post(
        f"/contacts/{contact.pk}/field/?field=name",
        {"first_name": "", "last_name": ""},
        **HTMX,
    ).content.decode()

    assert "Give the contact a name" in html
    contact.refresh_from_db()
    assert contact.first_name


def test_a_custom_field_is_saved_typed(make_member, client):
    member = _signed_in(client, make_member)
    CustomFieldDefinitionFactory(
        organization=member.organization, key="budget", label="Budget", field_type="number"
    )
    contact = ContactFactory(organization=member.organization)

    client.post(f"/contacts/{contact.pk}/field/?field=cf_budget", {"cf_budget": "1500"}, **HTMX)

    contact.refresh_from_db()
    assert contact.custom_fields == {"budget": 1500}


def test_clearing_a_custom_field_removes_its_value(make_member, client):
    member = _signed_in(client, make_member)
    CustomFieldDefinitionFactory(organization=member.organization, key="note", label="Note")
    contact = ContactFactory(organization=member.organization, custom_fields={"note": "x"})

    client.post(f"/contacts/{contact.pk}/field/?field=cf_note", {"cf_note": ""}, **HTMX)

    contact.refresh_from_db()
    assert contact.custom_fields == {}


def test_viewer_gets_the_value_not_an_editor_and_cannot_save(make_member, client):
    member = _signed_in(client, make_member, "viewer")
    contact = ContactFactory(organization=member.organization, title="CTO")

    editor = client.get(f"/contacts/{contact.pk}/field/?field=title", **HTMX)
    save = client.post(f"/contacts/{contact.pk}/field/?field=title", {"title": "CEO"}, **HTMX)

    assert 'name="title"' not in editor.content.decode()
    assert save.status_code == 403
    contact.refresh_from_db()
    assert contact.title == "CTO"


def test_an_unknown_field_is_not_found(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)

    assert client.get(f"/contacts/{contact.pk}/field/?field=organization").status_code == 404
