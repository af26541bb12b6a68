"""The "Suggested stage" section of the inbox context panel: the open suggestion of the chat
with its reason; Accept moves the deal, Dismiss records it; readers without deal.edit see no
buttons; another organization's suggestion is not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import StageSuggestion
from agents.tests.factories import StageSuggestionFactory
from messaging.tests.factories import ChatFactory
from pipelines.models import DealVia

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def member(make_member):
    return make_member("bidi")


@pytest.fixture
def suggestion(member):
    organization = member.organization
    chat = ChatFactory(organization=organization, bot__organization=organization)
    return StageSuggestionFactory(organization=organization, chat=chat)


def context_panel(client, suggestion) -> str:
    url = reverse("messaging:inbox_context", args=[suggestion.chat_id])
    return client.get(url).content.decode()


def test_the_context_panel_shows_the_open_suggestion_with_its_reason(client, member, suggestion):
    client.force_login(member.user)

    html = context_panel(client, suggestion)

    assert "Suggested stage" in html
    assert suggestion.to_stage.name in html
    assert "They asked about price" in html
    assert reverse("agents:suggestion_accept", args=[suggestion.pk]) in html


def test_a_viewer_sees_the_suggestion_without_buttons(client, make_member, suggestion):
    viewer = make_member("viewer", organization=suggestion.organization)
    client.force_login(viewer.user)

    html = context_panel(client, suggestion)

    assert "They asked about price" in html
    assert reverse("agents:suggestion_accept", args=[suggestion.pk]) not in html
    response = client.post(reverse("agents:suggestion_accept", args=[suggestion.pk]))
    assert response.status_code == 403


def test_accept_moves_the_deal_and_the_panel_comes_back_without_it(client, member, suggestion):
    client.force_login(member.user)

    response = client.post(
        reverse("agents:suggestion_accept", args=[suggestion.pk]), follow=True, **HTMX
    )

    suggestion.refresh_from_db()
    suggestion.deal.refresh_from_db()
    assert suggestion.status == StageSuggestion.Status.ACCEPTED
    assert suggestion.deal.stage_id == suggestion.to_stage_id
    assert suggestion.deal.stage_changes.latest("pk").via == DealVia.AI_SUGGESTION
    assert 'id="inbox-context"' in response.content.decode()
    assert "They asked about price" not in response.content.decode()


def test_dismiss_records_it_and_leaves_the_deal(client, member, suggestion):
    client.force_login(member.user)
    stage = suggestion.deal.stage_id

    client.post(reverse("agents:suggestion_dismiss", args=[suggestion.pk]), **HTMX)

    suggestion.refresh_from_db()
    suggestion.deal.refresh_from_db()
    assert suggestion.status == StageSuggestion.Status.DISMISSED
    assert suggestion.deal.stage_id == stage


def test_a_decided_suggestion_says_so_in_the_panel(client, member, suggestion):
    client.force_login(member.user)
    client.post(reverse("agents:suggestion_dismiss", args=[suggestion.pk]), **HTMX)

    response = client.post(reverse("agents:suggestion_accept", args=[suggestion.pk]), **HTMX)

    assert response.status_code == 200
    assert "This suggestion" in response.content.decode()


@pytest.mark.parametrize("name", ["suggestion_accept", "suggestion_dismiss"])
def test_another_organizations_suggestion_is_not_found(client, member, name):
    other = StageSuggestionFactory()
    client.force_login(member.user)

    response = client.post(reverse(f"agents:{name}", args=[other.pk]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == StageSuggestion.Status.OPEN
