"""crm's ``/api/v1/notes/`` knows deals: a note's ``deal`` is read, written (same organization
only) and filtered on."""

from __future__ import annotations

import pytest

from crm.models import Note
from crm.tests.factories import NoteFactory
from pipelines.tests.factories import DealFactory

pytestmark = pytest.mark.django_db
NOTES = "/api/v1/notes/"


def test_a_note_can_be_added_to_a_deal(make_member, jwt_client):
    bidi = make_member("bidi")
    deal = DealFactory(organization=bidi.organization)

    response = jwt_client(bidi.user).post(
        NOTES, {"deal": deal.pk, "body": "Budget approved"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["deal"] == deal.pk
    assert Note.objects.get().deal == deal


def test_a_deal_of_another_organization_does_not_exist(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        NOTES, {"deal": DealFactory().pk, "body": "hi"}, format="json"
    )

    assert response.status_code == 400
    assert "deal" in response.json()["error"]["fields"]
    assert not Note.objects.exists()


def test_notes_are_filtered_by_deal(make_member, jwt_client):
    owner = make_member("owner")
    deal = DealFactory(organization=owner.organization)
    NoteFactory(organization=owner.organization, deal=deal, contact=None, body="on the deal")
    NoteFactory(organization=owner.organization, body="elsewhere")

    rows = jwt_client(owner.user).get(NOTES, {"deal": deal.pk}).json()["results"]

    assert [(r["body"], r["deal"]) for r in rows] == [("on the deal", deal.pk)]


def test_another_organizations_deal_is_an_unknown_filter(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).get(NOTES, {"deal": DealFactory().pk})

    assert response.status_code == 400
    assert "deal" in response.json()["error"]["fields"]
