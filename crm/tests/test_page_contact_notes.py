import pytest

from crm.models import Note
from crm.tests.factories import ContactFactory, NoteFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _signed_in(client, make_member, role="bidi"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_adding_a_note_answers_with_the_timeline_showing_it(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)

    response = client.post(f"/contacts/{contact.pk}/notes/", {"body": "Wants a **pilot**"}, **HTMX)

    html = response.content.decode()
    assert "Wants a <strong>pilot</strong>" in html
    assert Note.objects.get().author == member.user


def test_a_script_in_a_note_is_neutralised(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)

    client.post(
        f"/contacts/{contact.pk}/notes/",
        {"body": 'Hi <script>alert("x")</script> [a](javascript:alert(1))'},
        **HTMX,
    )
    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert '<script>alert("x")' not in html
    assert "javascript:alert" not in html


def test_an_empty_note_is_refused_with_a_message(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)

    html = client.post(f"/contacts/{contact.pk}/notes/", {"body": "  "}, **HTMX).content.decode()

    assert "Write something first." in html
    assert not Note.objects.exists()


def test_viewer_cannot_add_a_note(make_member, client):
    member = _signed_in(client, make_member, "viewer")
    contact = ContactFactory(organization=member.organization)

    response = client.post(f"/contacts/{contact.pk}/notes/", {"body": "hi"})

    assert response.status_code == 403
    assert not Note.objects.exists()


def test_the_author_deletes_their_note(make_member, client):
    member = _signed_in(client, make_member)
    note = NoteFactory(organization=member.organization, author=member.user)

    response = client.post(f"/crm/notes/{note.pk}/delete/", **HTMX)

    assert response.status_code == 200
    assert not Note.objects.filter(pk=note.pk).exists()


def test_a_business_developer_cannot_delete_someone_elses_note(make_member, client):
    member = _signed_in(client, make_member)
    note = NoteFactory(organization=member.organization)

    response = client.post(f"/crm/notes/{note.pk}/delete/")

    assert response.status_code == 403
    assert Note.objects.filter(pk=note.pk).exists()


def test_preview_shows_the_markdown_as_the_note_will_read(client, make_member):
    member = make_member("bidi")
    client.force_login(member.user)

    response = client.post(
        "/crm/notes/preview/", {"body": "**Call** Monday <script>alert(1)</script>"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Call</strong>" in html
    assert "<script>" not in html


def test_a_viewer_cannot_preview_notes(client, make_member):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert client.post("/crm/notes/preview/", {"body": "x"}).status_code == 403
