"""The move's answer reads the deal's tags and contacts in one query (pipelines/prefetch.py): it
must be exactly the deal as ``GET /api/v1/deals/{id}/`` shows it right after the move."""

from __future__ import annotations

import pytest

from crm.tests.factories import CompanyFactory, ContactFactory, TagFactory
from pipelines.services.deals import deal_create

DEALS = "/api/v1/deals/"


@pytest.fixture
def labelled(team):
    """A deal with tags (created out of name order, mixed case) and contacts (one nameless),
    next to another deal with labels of its own that must not show up."""
    org = team.organization
    tags = [TagFactory(organization=org, name=n) for n in ("warm", "Beta", "alpha", "Zed")]
    contacts = [
        ContactFactory(organization=org, first_name="Ada", last_name="Lovelace"),
        ContactFactory(organization=org, first_name="", last_name="", emails=["x@example.com"]),
        ContactFactory(organization=org, first_name="Grace", last_name=""),
    ]
    deal = deal_create(
        organization=org,
        actor=team.bidi,
        title="Pilot",
        stage=team.stage("Lead"),
        owner=team.bidi,
        company=CompanyFactory(organization=org, name="Initech"),
        contacts=contacts,
        tags=[t.name for t in tags],
    )
    deal_create(
        organization=org,
        actor=team.bidi,
        title="Neighbour",
        stage=team.stage("Lead"),
        contacts=[ContactFactory(organization=org), contacts[0]],
        tags=["warm", "other"],
    )
    return deal


def _moved_and_shown(client, deal_id: int, body: dict) -> tuple[dict, dict]:
    moved = client.post(f"{DEALS}{deal_id}/move/", body, format="json")
    assert moved.status_code == 200, moved.content
    shown = client.get(f"{DEALS}{deal_id}/")
    assert shown.status_code == 200
    return moved.json(), shown.json()


def test_the_answer_is_the_deal_as_shown_with_its_tags_and_contacts(team, jwt_client, labelled):
    client = jwt_client(team.bidi)

    moved, shown = _moved_and_shown(client, labelled.pk, {"stage": team.stage("Meeting").pk})

    assert moved == shown
    assert len(moved["tags"]) == 4
    assert {t["name"] for t in moved["tags"]} == {"warm", "Beta", "alpha", "Zed"}
    assert [c["full_name"] for c in moved["contacts"]] == ["Grace", "", "Ada Lovelace"]
    assert moved["stage"] == team.stage("Meeting").pk


def test_the_answer_matches_within_the_column_and_into_won(team, jwt_client, labelled):
    client = jwt_client(team.owner)

    within, shown_within = _moved_and_shown(
        client, labelled.pk, {"stage": team.stage("Lead").pk, "position": 1}
    )
    won, shown_won = _moved_and_shown(client, labelled.pk, {"stage": team.stage("Won").pk})

    assert within == shown_within
    assert won == shown_won
    assert won["closed_at"] is not None


def test_a_deal_without_tags_or_contacts_answers_empty_lists(team, jwt_client, labelled):
    bare = deal_create(
        organization=team.organization, actor=team.bidi, title="Bare", stage=team.stage("Lead")
    )

    moved, shown = _moved_and_shown(
        jwt_client(team.bidi), bare.pk, {"stage": team.stage("Meeting").pk}
    )

    assert moved == shown
    assert moved["tags"] == [] and moved["contacts"] == []
