"""Quick create at the top of a column: the form comes back (open, empty or with its errors)
and the new card is swapped in at the column's top."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.models import Deal

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_deal_is_created_in_that_column_on_top(team, client):
    client.force_login(team.bidi)
    contacted = team.stage("Contacted")

    response = client.post(
        f"/pipeline/stages/{contacted.pk}/deals/", {"title": "Listing", "value": "4000"}, **HTMX
    )

    html = response.content.decode()
    deal = Deal.objects.get(title="Listing")
    assert (deal.stage, deal.value, deal.currency) == (contacted, Decimal("4000.00"), "USD")
    assert deal.created_by == team.bidi
    assert f'hx-swap-oob="afterbegin:#stage-list-{contacted.pk}"' in html
    assert f'data-deal-id="{deal.pk}"' in html
    assert "deal:created" in response["HX-Trigger"]


def test_an_empty_title_is_refused_next_to_the_field(team, client):
    client.force_login(team.bidi)

    html = client.post(
        f"/pipeline/stages/{team.stage('Lead').pk}/deals/", {"title": " "}, **HTMX
    ).content.decode()

    assert "Give the deal a title." in html
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [("-5", "The value cannot be negative."), ("12,5x", "Enter an amount")],
)
def test_a_bad_value_is_refused_next_to_the_field(team, client, value, message):
    client.force_login(team.bidi)

    html = client.post(
        f"/pipeline/stages/{team.stage('Lead').pk}/deals/", {"title": "X", "value": value}, **HTMX
    ).content.decode()

    assert message in html
    assert not Deal.objects.exists()


def test_without_htmx_the_board_is_shown_again(team, client):
    client.force_login(team.bidi)

    response = client.post(f"/pipeline/stages/{team.stage('Lead').pk}/deals/", {"title": "X"})

    assert response.status_code == 302
    assert response["Location"] == f"/pipeline/{team.pipeline.pk}/"


def test_a_viewer_cannot_create_a_deal(team, client):
    client.force_login(team.viewer)

    response = client.post(f"/pipeline/stages/{team.stage('Lead').pk}/deals/", {"title": "X"})

    assert response.status_code == 403
    assert not Deal.objects.exists()


def test_on_a_filtered_board_a_deal_the_filters_leave_out_is_created_but_not_shown(team, client):
    client.force_login(team.bidi)
    lead = team.stage("Lead")

    response = client.post(
        f"/pipeline/stages/{lead.pk}/deals/?owner=me&stale=false",
        {"title": "Nobody's deal"},
        **HTMX,
    )

    html = response.content.decode()
    deal = Deal.objects.get(title="Nobody's deal")
    assert f'data-deal-id="{deal.pk}"' not in html
    assert "hidden by the board's filters" in html
    assert "deal:created" in response["HX-Trigger"]


def test_on_a_filtered_board_a_deal_matching_the_filters_is_shown(team, client):
    client.force_login(team.bidi)
    lead = team.stage("Lead")

    html = client.post(
        f"/pipeline/stages/{lead.pk}/deals/?stale=false", {"title": "Fresh"}, **HTMX
    ).content.decode()

    deal = Deal.objects.get(title="Fresh")
    assert f'data-deal-id="{deal.pk}"' in html
    assert "hidden by the board's filters" not in html


def test_the_quick_create_form_of_a_filtered_board_posts_with_its_filters(team, client):
    client.force_login(team.bidi)
    lead = team.stage("Lead")

    html = client.get(f"/pipeline/{team.pipeline.pk}/?owner=me").content.decode()

    assert f'hx-post="/pipeline/stages/{lead.pk}/deals/?owner=me"' in html
