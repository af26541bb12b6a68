import pytest

from crm.models import Note
from crm.tests.factories import ContactFactory, NoteFactory

NOTES = "/api/v1/notes/"


@pytest.mark.parametrize("rows", [3, 30])
def test_listing_takes_the_same_queries_however_many_notes(
    make_member, jwt_client, django_assert_max_num_queries, rows
):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    NoteFactory.create_batch(
        rows, organization=owner.organization, contact=contact, author=owner.user
    )
    client = jwt_client(owner.user)

    with django_assert_max_num_queries(4):
        response = client.get(NOTES, {"contact": contact.pk})

    assert len(response.json()["results"]) == rows


def test_notes_of_one_contact_newest_first_rendered(make_member, jwt_client):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    NoteFactory(organization=owner.organization, contact=contact, body="old")
    NoteFactory(organization=owner.organization, contact=contact, body="**new**")
    NoteFactory(organization=owner.organization)

    rows = jwt_client(owner.user).get(NOTES, {"contact": contact.pk}).json()["results"]

    assert [(r["body"], r["body_html"]) for r in rows] == [
        ("**new**", "<p><strong>new</strong></p>"),
        ("old", "<p>old</p>"),
    ]


def test_add_a_note(make_member, jwt_client):
    bidi = make_member("bidi")
    contact = ContactFactory(organization=bidi.organization)

    response = jwt_client(bidi.user).post(
        NOTES, {"contact": contact.pk, "body": "Met at the fair"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["contact"], response.json()["author"]["id"]) == (
        contact.pk,
        bidi.user.pk,
    )


def test_contact_of_another_organization_does_not_exist(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        NOTES, {"contact": ContactFactory().pk, "body": "hi"}, format="json"
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["error"]["fields"]["contact"][0]


def test_unknown_contact_filter_is_a_400(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).get(NOTES, {"contact": ContactFactory().pk})

    assert response.status_code == 400


def test_only_author_or_managers_edit(make_member, jwt_client):
    author = make_member("bidi")
    colleague = make_member("bidi", organization=author.organization)
    admin = make_member("admin", organization=author.organization)
    note = NoteFactory(organization=author.organization, author=author.user)
    url = f"{NOTES}{note.pk}/"

    refused = jwt_client(colleague.user).patch(url, {"body": "x"}, format="json")
    by_author = jwt_client(author.user).patch(url, {"body": "edited"}, format="json")
    by_admin = jwt_client(admin.user).delete(url)

    assert (refused.status_code, by_author.status_code, by_admin.status_code) == (403, 200, 204)
    assert not Note.objects.exists()


def test_write_api_key_cannot_edit_someone_elses_note(make_member, api_key_client):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    note = NoteFactory(organization=owner.organization, author=bidi.user)
    client = api_key_client(owner, scopes=("write",))

    response = client.patch(f"{NOTES}{note.pk}/", {"body": "x"}, format="json")

    assert response.status_code == 403
