"""Deleting a deal's note from the drawer or the deal page, through crm's one note-delete path."""

from __future__ import annotations

import pytest

from accounts.permissions import Role
from accounts.services import organization_create
from accounts.tests.factories import MembershipFactory, UserFactory
from crm.models import Note
from crm.services.notes import note_add
from pipelines.services.deals import deal_create

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def deal(team):
    return deal_create(organization=team.organization, actor=team.bidi, title="Orbit pilot")


@pytest.fixture
def note(team, deal):
    return note_add(organization=team.organization, actor=team.bidi, body="Call Friday", deal=deal)


def test_the_drawer_offers_to_delete_the_authors_own_note(team, client, deal, note):
    client.force_login(team.bidi)

    html = client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()

    assert f'hx-post="/crm/notes/{note.pk}/delete/"' in html


def test_the_drawer_offers_no_delete_for_someone_elses_note_to_a_writer(team, client, deal, note):
    other = UserFactory()
    MembershipFactory(organization=team.organization, user=other, role=Role.BIDI)
    client.force_login(other)

    html = client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()

    assert f"/crm/notes/{note.pk}/delete/" not in html


def test_an_admin_may_delete_anyones_note_from_the_drawer(team, client, deal, note):
    client.force_login(team.admin)

    html = client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()
    response = client.post(f"/crm/notes/{note.pk}/delete/", **HTMX)

    assert f"/crm/notes/{note.pk}/delete/" in html
    assert response.status_code == 200
    assert not Note.objects.filter(pk=note.pk).exists()


def test_deleting_from_the_drawer_removes_the_note_in_place(team, client, deal, note):
    client.force_login(team.bidi)

    response = client.post(f"/crm/notes/{note.pk}/delete/", **HTMX)

    assert response.status_code == 200
    assert response.content == b""
    assert not Note.objects.filter(pk=note.pk).exists()


def test_deleting_from_the_deal_page_goes_back_to_the_deal(team, client, deal, note):
    client.force_login(team.bidi)

    response = client.post(f"/crm/notes/{note.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/"
    assert not Note.objects.filter(pk=note.pk).exists()


def test_a_viewer_cannot_delete_a_deal_note(team, client, note):
    client.force_login(team.viewer)

    response = client.post(f"/crm/notes/{note.pk}/delete/", **HTMX)

    assert response.status_code == 403
    assert Note.objects.filter(pk=note.pk).exists()


def test_another_organizations_deal_note_is_not_found(team, client, note):
    stranger = UserFactory()
    organization_create(name="Other", owner=stranger)
    client.force_login(stranger)

    response = client.post(f"/crm/notes/{note.pk}/delete/", **HTMX)

    assert response.status_code == 404
    assert Note.objects.filter(pk=note.pk).exists()
