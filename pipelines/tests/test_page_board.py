"""The board page: columns per stage with count, total and weighted value, cards in rank order,
filters, the pipeline switcher, column totals for the live board, one card, "load more"."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from automation.models import Event
from crm.tests.factories import CompanyFactory, TagFactory
from pipelines.services.deals import deal_create
from pipelines.services.pipelines import pipeline_create

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_board_shows_every_stage_with_its_totals(team, client):
    client.force_login(team.bidi)
    deal_create(organization=team.organization, actor=team.bidi, title="Pilot", value=1000)
    deal_create(organization=team.organization, actor=team.bidi, title="Seed", value=500)

    html = _html(client.get("/pipeline/"))

    for name in ("Lead", "Contacted", "Engaged", "Meeting", "Proposal", "Won", "Lost"):
        assert f">{name}</h2>" in html
    assert "Pilot" in html and "Seed" in html
    assert "$1.5k" in html  # Lead's total
    assert "$150" in html  # weighted at 10 %


def test_cards_show_company_value_owner_and_days_in_stage(team, client):
    client.force_login(team.bidi)
    company = CompanyFactory(organization=team.organization, name="Orbit Labs")
    deal_create(
        organization=team.organization,
        actor=team.bidi,
        title="Orbit pilot",
        value="12500.50",
        company=company,
        owner=team.bidi,
    )

    html = _html(client.get("/pipeline/"))

    assert "Orbit Labs" in html
    assert "$12,500.50" in html
    assert f"Owner: {team.bidi.display_name}" in html
    assert "0d" in html


def test_a_deal_idle_past_the_rotting_days_is_marked_stale(team, client):
    client.force_login(team.bidi)
    deal = deal_create(organization=team.organization, actor=team.bidi, title="Sleepy")
    deal.stage_entered_at = timezone.now() - datetime.timedelta(days=30)
    deal.save(update_fields=["stage_entered_at"])

    html = _html(client.get("/pipeline/"))

    assert "deal-card is-stale" in html
    assert ">Stale</span>" in html


def test_the_stale_filter_keeps_only_stale_deals(team, client):
    client.force_login(team.bidi)
    sleepy = deal_create(organization=team.organization, actor=team.bidi, title="Sleepy")
    sleepy.stage_entered_at = timezone.now() - datetime.timedelta(days=30)
    sleepy.save(update_fields=["stage_entered_at"])
    deal_create(organization=team.organization, actor=team.bidi, title="Fresh")

    html = _html(client.get("/pipeline/?stale=true"))

    assert "Sleepy" in html
    assert "Fresh" not in html


def test_the_owner_and_tag_filters_narrow_the_board(team, client):
    client.force_login(team.bidi)
    TagFactory(organization=team.organization, name="vip")
    deal_create(
        organization=team.organization, actor=team.bidi, title="Mine", owner=team.bidi, tags=["vip"]
    )
    deal_create(organization=team.organization, actor=team.bidi, title="Theirs", owner=team.admin)

    mine = _html(client.get("/pipeline/?owner=me"))
    tagged = _html(client.get("/pipeline/?tag=vip"))

    assert "Mine" in mine and "Theirs" not in mine
    assert "Mine" in tagged and "Theirs" not in tagged


def test_a_filter_naming_a_deleted_tag_shows_the_whole_board_and_says_so(team, client):
    client.force_login(team.bidi)
    deal_create(organization=team.organization, actor=team.bidi, title="Anything")

    html = _html(client.get("/pipeline/?tag=gone"))

    assert "Anything" in html
    assert "A filter was left out" in html


def test_the_switcher_lists_the_pipelines_and_opens_another(team, client):
    client.force_login(team.owner)
    partners = pipeline_create(
        organization=team.organization, actor=team.owner, name="Partnerships", stages=[]
    )

    html = _html(client.get(f"/pipeline/{partners.pk}/"))

    assert "Partnerships" in html
    assert f'href="/pipeline/{team.pipeline.pk}/"' in html


def test_a_pipeline_of_another_organization_is_not_found(team, client, make_member):
    stranger = make_member("owner")
    client.force_login(stranger.user)

    assert client.get(f"/pipeline/{team.pipeline.pk}/").status_code == 404


def test_a_viewer_sees_the_board_without_drag_or_quick_create(team, client):
    client.force_login(team.viewer)

    html = _html(client.get("/pipeline/"))

    assert 'data-can-move="0"' in html
    assert "data-quick-create" not in html


def test_a_writer_can_drag_and_quick_create(team, client):
    client.force_login(team.bidi)

    html = _html(client.get("/pipeline/"))

    assert 'data-can-move="1"' in html
    assert "data-quick-create" in html


def test_the_totals_endpoint_gives_each_columns_count_and_sums(team, client):
    client.force_login(team.bidi)
    deal_create(organization=team.organization, actor=team.bidi, title="A", value=2000)

    data = client.get(f"/pipeline/{team.pipeline.pk}/totals/").json()

    lead = next(c for c in data["columns"] if c["stage_id"] == team.stage("Lead").pk)
    assert lead == {"stage_id": lead["stage_id"], "count": 1, "total": "$2k", "weighted": "$200"}
    assert data["count"] == 1


def test_values_in_another_currency_are_summed_apart(team, client):
    client.force_login(team.bidi)
    deal_create(organization=team.organization, actor=team.bidi, title="A", value=2000)
    deal_create(
        organization=team.organization, actor=team.bidi, title="B", value=3000, currency="EUR"
    )

    data = client.get(f"/pipeline/{team.pipeline.pk}/totals/").json()

    lead = next(c for c in data["columns"] if c["stage_id"] == team.stage("Lead").pk)
    assert lead["total"] == "$2k + €3k"


def test_one_card_renders_for_the_live_board(team, client):
    client.force_login(team.bidi)
    deal = deal_create(organization=team.organization, actor=team.bidi, title="Live one")

    html = _html(client.get(f"/deals/{deal.pk}/card/", **HTMX))

    assert f'data-deal-id="{deal.pk}"' in html
    assert f'data-version="{deal.version}"' in html


def test_a_card_the_filters_leave_out_answers_no_content(team, client):
    client.force_login(team.bidi)
    deal = deal_create(organization=team.organization, actor=team.bidi, title="Not mine")

    response = client.get(f"/deals/{deal.pk}/card/?owner=me", **HTMX)

    assert response.status_code == 204


def test_a_long_column_loads_more_cards_after_the_last_one(team, client):
    client.force_login(team.bidi)
    for n in range(55):
        deal_create(organization=team.organization, actor=team.bidi, title=f"Deal {n:02d}")
    lead = team.stage("Lead")

    board = _html(client.get("/pipeline/"))
    assert board.count('<article class="deal-card') == 50
    assert "Load more" in board

    last_rank = list(lead.deals.order_by("rank", "id").values_list("rank", flat=True))[49]
    more = _html(client.get(f"/pipeline/stages/{lead.pk}/more/?after={last_rank}", **HTMX))

    assert more.count('<article class="deal-card') == 5
    assert 'hx-swap-oob="delete"' in more


def _queries_for_board(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        _html(client.get("/pipeline/"))
    return len(queries)


def test_the_board_reads_the_same_number_of_queries_however_many_deals(team, client):
    client.force_login(team.bidi)
    company = CompanyFactory(organization=team.organization)
    TagFactory(organization=team.organization, name="vip")
    stages = list(team.pipeline.stages.all())

    def add(count: int) -> None:
        for n in range(count):
            deal_create(
                organization=team.organization,
                actor=team.bidi,
                title=f"Deal {n}",
                stage=stages[n % len(stages)],
                owner=team.bidi,
                company=company,
                tags=["vip"],
            )

    add(7)
    _queries_for_board(client)  # warm the session
    few = _queries_for_board(client)
    add(120)
    many = _queries_for_board(client)

    assert many == few
    assert many <= 20


def test_a_pipeline_without_stages_says_so(team, client):
    client.force_login(team.owner)
    empty = pipeline_create(organization=team.organization, actor=team.owner, name="New", stages=[])

    html = _html(client.get(f"/pipeline/{empty.pk}/"))

    assert "No stages yet" in html
    assert f'href="/settings/pipelines/{empty.pk}/"' in html


def test_the_board_tells_its_live_socket_which_event_it_already_shows(team, client):
    """The socket resumes from there, so a move committed between render and connect is
    replayed instead of lost (static/js/live.js reads data-live-since)."""
    client.force_login(team.bidi)
    deal = deal_create(organization=team.organization, actor=team.bidi, title="Pilot", value=1)
    newest = Event.objects.filter(organization=team.organization).latest("pk")

    html = _html(client.get("/pipeline/"))

    assert f'data-live-since="{newest.pk}"' in html
    assert deal.title in html
