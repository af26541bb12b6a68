"""``/api/v1/response-templates/``: CRUD for writers, list and render for every member."""

from __future__ import annotations

import pytest

from messaging.models import ResponseTemplate
from messaging.tests.factories import ChatFactory, ResponseTemplateFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/response-templates/"


def test_a_business_developer_creates_edits_and_deletes_a_template(make_member, jwt_client):
    bidi = make_member("bidi")
    client = jwt_client(bidi.user)

    created = client.post(
        URL,
        {"name": "Pricing", "shortcut": "/price", "body": "Hi {{ contact.first_name }}"},
        format="json",
    )
    item = f"{URL}{created.json()['id']}/"
    edited = client.patch(item, {"shortcut": "/cost"}, format="json")
    deleted = client.delete(item)

    assert created.status_code == 201
    assert created.json()["body"] == "Hi {{ contact.first_name }}"
    assert edited.json()["shortcut"] == "/cost"
    assert deleted.status_code == 204
    assert not ResponseTemplate.objects.exists()


def test_members_list_templates_by_name_and_search_by_shortcut(
    make_member, jwt_client, django_assert_max_num_queries
):
    viewer = make_member("viewer")
    ResponseTemplateFactory(organization=viewer.organization, name="Pricing", shortcut="/price")
    ResponseTemplateFactory(organization=viewer.organization, name="Demo link", shortcut="/demo")
    ResponseTemplateFactory(name="Other org", shortcut="/price2")
    client = jwt_client(viewer.user)

    with django_assert_max_num_queries(6):
        everything = client.get(URL).json()["results"]
    searched = client.get(URL, {"search": "/pri"}).json()["results"]

    assert [row["name"] for row in everything] == ["Demo link", "Pricing"]
    assert [row["name"] for row in searched] == ["Pricing"]


def test_render_fills_in_the_chat(make_member, jwt_client):
    viewer = make_member("viewer")
    chat = ChatFactory(bot__organization=viewer.organization, contact__first_name="Ada")
    template = ResponseTemplateFactory(
        organization=viewer.organization, body="Hi {{ contact.first_name | there }}"
    )

    response = jwt_client(viewer.user).post(
        f"{URL}{template.pk}/render/", {"chat": chat.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"text": "Hi Ada"}


def test_rendering_for_another_organizations_chat_is_a_field_error(make_member, jwt_client):
    bidi = make_member("bidi")
    template = ResponseTemplateFactory(organization=bidi.organization)

    response = jwt_client(bidi.user).post(
        f"{URL}{template.pk}/render/", {"chat": ChatFactory().pk}, format="json"
    )

    assert response.status_code == 400
    assert "chat" in response.json()["error"]["fields"]


def test_another_organizations_template_is_a_404(make_member, jwt_client):
    bidi = make_member("bidi")
    theirs = ResponseTemplateFactory()
    client = jwt_client(bidi.user)

    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.patch(f"{URL}{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert ResponseTemplate.objects.filter(pk=theirs.pk).exists()


def test_bad_input_is_a_400_with_field_errors(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        URL, {"name": "", "body": "Hi {{ contact.secret }}"}, format="json"
    )
    unknown = jwt_client(bidi.user).post(
        URL, {"name": "X", "body": "Hi {{ contact.secret }}"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]
    assert unknown.status_code == 400
    assert "contact.secret" in unknown.json()["error"]["fields"]["body"][0]


def test_a_viewer_cannot_create_templates(make_member, jwt_client):
    viewer = make_member("viewer")

    response = jwt_client(viewer.user).post(URL, {"name": "X", "body": "Y"}, format="json")

    assert response.status_code == 403


def test_the_variables_are_listed(make_member, jwt_client):
    viewer = make_member("viewer")

    names = [v["name"] for v in jwt_client(viewer.user).get(f"{URL}variables/").json()]

    assert {"contact.first_name", "contact.company", "me.first_name", "deal.title"} <= set(names)
