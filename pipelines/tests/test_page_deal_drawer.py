"""The deal drawer (and the deal page it doubles as): details, stage history, notes, and the
version-checked editor with its conflict message."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from crm.models import Note
from crm.tests.factories import CompanyFactory
from pipelines.models import Deal
from pipelines.services.deals import deal_create, deal_move, deal_update

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def deal(team):
    return deal_create(
        organization=team.organization, actor=team.bidi, title="Orbit pilot", value=500
    )


def _form(deal, **changes):
    data = {
        "version": deal.version,
        "title": deal.title,
        "value": str(deal.value),
        "currency": deal.currency,
        "stage": deal.stage_id,
        "owner": "",
        "company": "",
        "expected_close_date": "",
        "source": "",
        "tags": "",
        "lost_reason": "",
    }
    data.update(changes)
    return data


def test_the_drawer_shows_details_history_and_notes(team, client, deal):
    client.force_login(team.bidi)
    deal_move(deal=deal, actor=team.admin, stage=team.stage("Meeting"))
    Note.objects.create(organization=team.organization, deal=deal, body="Call **Friday**")

    html = client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()

    assert "<!doctype html>" not in html
    assert "Orbit pilot" in html
    assert f"{team.admin.display_name}</strong>\n          moved it from Lead to Meeting" in html
    assert "Call <strong>Friday</strong>" in html


def test_without_htmx_the_deal_is_a_page_of_its_own(team, client, deal):
    client.force_login(team.bidi)

    html = client.get(f"/deals/{deal.pk}/").content.decode()

    assert "<!doctype html>" in html
    assert f'href="/pipeline/{deal.pipeline_id}/"' in html


def test_the_editor_opens_on_the_current_version(team, client, deal):
    client.force_login(team.bidi)

    html = client.get(f"/deals/{deal.pk}/edit/", **HTMX).content.decode()

    assert 'name="version" value="1"' in html
    assert 'value="Orbit pilot"' in html


def test_a_save_changes_the_deal_and_tells_the_board(team, client, deal):
    client.force_login(team.bidi)
    CompanyFactory(organization=team.organization, name="Orbit Labs")

    response = client.post(
        f"/deals/{deal.pk}/edit/",
        _form(
            deal,
            value="12500.50",
            company="orbit labs",
            owner=team.admin.pk,
            expected_close_date="2027-03-31",
            tags="vip, warm",
        ),
        **HTMX,
    )

    saved = Deal.objects.get(pk=deal.pk)
    assert saved.value == Decimal("12500.50")
    assert saved.company.name == "Orbit Labs"
    assert saved.owner == team.admin
    assert sorted(saved.tags.values_list("name", flat=True)) == ["vip", "warm"]
    assert saved.version == 2
    assert "Saved" in response.content.decode()
    trigger = json.loads(response["HX-Trigger"])
    assert trigger["deal:saved"]["deal"]["version"] == 2


def test_the_stage_select_moves_the_deal(team, client, deal):
    client.force_login(team.bidi)

    client.post(f"/deals/{deal.pk}/edit/", _form(deal, stage=team.stage("Proposal").pk), **HTMX)

    assert Deal.objects.get(pk=deal.pk).stage == team.stage("Proposal")
    assert deal.stage_changes.filter(to_stage=team.stage("Proposal")).exists()


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_input(team, client, deal):
    client.force_login(team.bidi)
    deal_update(deal=deal, actor=team.admin, data={"value": "900"}, expected_version=1)

    html = client.post(
        f"/deals/{deal.pk}/edit/", _form(deal, version=1, value="750"), **HTMX
    ).content.decode()

    assert "Someone else saved this deal while you were editing it." in html
    assert "Value is now <strong>$900</strong>" in html
    assert 'value="750"' in html  # the person's input is kept
    assert 'name="version" value="2"' in html  # saving again overwrites on purpose
    assert Deal.objects.get(pk=deal.pk).value == Decimal("900.00")


def test_saving_again_after_a_conflict_applies_the_change(team, client, deal):
    client.force_login(team.bidi)
    deal_update(deal=deal, actor=team.admin, data={"value": "900"}, expected_version=1)

    client.post(f"/deals/{deal.pk}/edit/", _form(deal, version=2, value="750"), **HTMX)

    assert Deal.objects.get(pk=deal.pk).value == Decimal("750.00")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"value": "-1"}, "value", "The value cannot be negative."),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"title": ""}, "title", "Give the deal a title."),
        ({"company": "Nobody Inc"}, "company", "No company of that name"),
        ({"expected_close_date": "31.03.2027"}, "expected_close_date", "Enter a valid date"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(team, client, deal, changes, field, message):
    client.force_login(team.bidi)

    html = client.post(f"/deals/{deal.pk}/edit/", _form(deal, **changes), **HTMX).content.decode()

    assert f'id="id_{field}_error"' in html
    assert message in html
    assert Deal.objects.get(pk=deal.pk).version == 1


def test_a_note_is_added_to_the_deal(team, client, deal):
    client.force_login(team.bidi)

    html = client.post(f"/deals/{deal.pk}/notes/", {"body": "Wants a **pilot**"}, **HTMX)

    assert "Wants a <strong>pilot</strong>" in html.content.decode()
    assert Note.objects.get().deal == deal


def test_an_empty_note_is_refused(team, client, deal):
    client.force_login(team.bidi)

    html = client.post(f"/deals/{deal.pk}/notes/", {"body": " "}, **HTMX).content.decode()

    assert "Write something first." in html
    assert not Note.objects.exists()


def test_a_viewer_reads_the_deal_but_cannot_edit_it(team, client, deal):
    client.force_login(team.viewer)

    html = client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()

    assert "Orbit pilot" in html
    assert "/edit/" not in html
    assert client.post(f"/deals/{deal.pk}/edit/", _form(deal, value="1")).status_code == 403
    assert client.post(f"/deals/{deal.pk}/notes/", {"body": "x"}).status_code == 403


def test_a_deal_of_another_organization_is_not_found(team, client, deal, make_member):
    stranger = make_member("owner")
    client.force_login(stranger.user)

    assert client.get(f"/deals/{deal.pk}/").status_code == 404
    assert client.post(f"/deals/{deal.pk}/edit/", _form(deal)).status_code == 404


def test_a_manager_deletes_the_deal_from_the_drawer(team, client, deal):
    client.force_login(team.admin)

    response = client.post(
        f"/deals/{deal.pk}/delete/", HTTP_HX_CURRENT_URL="http://testserver/pipeline/", **HTMX
    )

    assert json.loads(response["HX-Trigger"])["deal:deleted"]["deal"]["id"] == deal.pk
    assert not Deal.objects.filter(pk=deal.pk).exists()


def test_deleting_from_the_deal_page_goes_back_to_the_board(team, client, deal):
    client.force_login(team.admin)

    response = client.post(f"/deals/{deal.pk}/delete/")

    assert response["Location"] == f"/pipeline/{deal.pipeline_id}/"


def test_a_business_developer_cannot_delete_a_deal(team, client, deal):
    client.force_login(team.bidi)

    assert "/delete/" not in client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()
    assert client.post(f"/deals/{deal.pk}/delete/").status_code == 403
    assert Deal.objects.filter(pk=deal.pk).exists()
