"""Settings → Templates: list, create, edit in place (htmx) and delete canned responses."""

from __future__ import annotations

import pytest

from messaging.models import ResponseTemplate
from messaging.tests.factories import ResponseTemplateFactory

pytestmark = pytest.mark.django_db
URL = "/settings/templates/"


def signed_in(client, make_member, role="bidi"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_the_page_lists_the_organizations_templates(make_member, client):
    member = signed_in(client, make_member)
    ResponseTemplateFactory(organization=member.organization, name="Pricing", shortcut="/price")
    ResponseTemplateFactory(name="Elsewhere")

    html = client.get(URL).content.decode()

    assert "Pricing" in html
    assert "/price" in html
    assert "Elsewhere" not in html
    assert "{{ contact.first_name }}" in html  # the variables help


def test_the_settings_menu_links_the_page_for_writers_only(make_member, client):
    signed_in(client, make_member, "bidi")
    assert 'href="/settings/templates/"' in client.get("/settings/profile/").content.decode()

    client.logout()
    signed_in(client, make_member, "viewer")
    assert 'href="/settings/templates/"' not in client.get("/settings/profile/").content.decode()
    assert client.get(URL).status_code == 403


def test_a_member_creates_a_template(make_member, client):
    member = signed_in(client, make_member)

    response = client.post(
        URL, {"name": "Pricing", "shortcut": "price", "body": "Hi {{ contact.first_name }}"}
    )

    assert response.status_code == 302
    template = ResponseTemplate.objects.get(organization=member.organization)
    assert (template.name, template.shortcut) == ("Pricing", "/price")


def test_an_unknown_variable_is_shown_next_to_the_body(make_member, client):
    signed_in(client, make_member)

    html = client.post(URL, {"name": "X", "body": "{{ contact.secret }}"}).content.decode()

    assert 'id="id_body_error"' in html
    assert "Unknown variable: contact.secret" in html
    assert not ResponseTemplate.objects.exists()


def test_editing_in_place_answers_with_the_saved_row(make_member, client):
    member = signed_in(client, make_member)
    template = ResponseTemplateFactory(organization=member.organization, name="Pricing")

    editor = client.get(f"{URL}{template.pk}/", HTTP_HX_REQUEST="true").content.decode()
    saved = client.post(
        f"{URL}{template.pk}/",
        {"name": "Prices", "shortcut": "/prices", "body": "From $99."},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    template.refresh_from_db()
    assert 'name="body"' in editor
    assert (template.name, template.shortcut, template.body) == ("Prices", "/prices", "From $99.")
    assert "Saved" in saved


def test_a_member_deletes_a_template(make_member, client):
    member = signed_in(client, make_member)
    template = ResponseTemplateFactory(organization=member.organization)

    response = client.post(f"{URL}{template.pk}/delete/")

    assert response.status_code == 302
    assert not ResponseTemplate.objects.exists()


def test_another_organizations_template_is_a_404(make_member, client):
    signed_in(client, make_member)
    theirs = ResponseTemplateFactory()

    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/delete/").status_code == 404
    assert ResponseTemplate.objects.filter(pk=theirs.pk).exists()
