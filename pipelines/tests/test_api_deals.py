from __future__ import annotations

import pytest

from crm.tests.factories import CompanyFactory, ContactFactory
from pipelines.models import Deal
from pipelines.services.deals import deal_create
from pipelines.tests.factories import StageFactory

DEALS = "/api/v1/deals/"


def _deal(team, title="Pilot", stage="Lead", **extra):
    return deal_create(
        organization=team.organization,
        actor=team.bidi,
        title=title,
        stage=team.stage(stage),
        **extra,
    )


def test_create_with_everything(team, jwt_client):
    company = CompanyFactory(organization=team.organization)
    contact = ContactFactory(organization=team.organization)
    response = jwt_client(team.bidi).post(
        DEALS,
        {
            "title": "Enterprise",
            "value": "1250.50",
            "currency": "eur",
            "stage": team.stage("Meeting").pk,
            "owner": team.bidi.pk,
            "company": company.pk,
            "contacts": [contact.pk],
            "expected_close_date": "2027-02-01",
            "tags": ["hot"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["value"] == "1250.50" and body["currency"] == "EUR"
    assert body["weighted_value"] == "750.30"
    assert body["stage"] == team.stage("Meeting").pk and body["pipeline"] == team.pipeline.pk
    assert body["company"]["id"] == company.pk
    assert body["contacts"] == [{"id": contact.pk, "full_name": contact.full_name}]
    assert [t["name"] for t in body["tags"]] == ["hot"]
    assert body["version"] == 1 and body["is_stale"] is False
    assert Deal.objects.get().stage_changes.get().via == "api"


def test_create_with_defaults(team, jwt_client):
    response = jwt_client(team.bidi).post(DEALS, {"title": "Quick"}, format="json")
    assert response.status_code == 201
    assert response.json()["stage"] == team.stage("Lead").pk
    assert response.json()["value"] == "0.00"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "value": "-5"}, "value"),
        ({"title": "x", "value": "abc"}, "value"),
        ({"title": "x", "value": "1.234"}, "value"),
        ({"title": "x", "currency": "EURO"}, "currency"),
        ({"title": "x", "currency": "ABC"}, "currency"),
        ({"title": ""}, "title"),
        ({"title": "x", "expected_close_date": "tomorrow"}, "expected_close_date"),
        ({"title": "x", "stage": 999999}, "stage"),
        ({"title": "x", "owner": 999999}, "owner"),
    ],
)
def test_bad_input_is_400_with_field_errors(team, jwt_client, payload, field):
    response = jwt_client(team.bidi).post(DEALS, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]
    assert not Deal.objects.exists()


def test_objects_of_another_organization_do_not_exist(team, jwt_client, make_member):
    other = make_member().organization
    for field, value in [
        ("stage", StageFactory(organization=other).pk),
        ("company", CompanyFactory(organization=other).pk),
        ("contacts", [ContactFactory(organization=other).pk]),
    ]:
        response = jwt_client(team.bidi).post(DEALS, {"title": "x", field: value}, format="json")
        assert response.status_code == 400, field
        assert list(response.json()["error"]["fields"]) == [field]


def test_patch_needs_the_version_and_a_stale_one_is_409(team, jwt_client):
    deal = _deal(team, value=100)
    client = jwt_client(team.bidi)
    url = f"{DEALS}{deal.pk}/"
    missing = client.patch(url, {"title": "New"}, format="json")
    assert missing.status_code == 400 and list(missing.json()["error"]["fields"]) == ["version"]
    ok = client.patch(url, {"title": "New", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"value": "9", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "deal_conflict"
    assert "changed by someone else" in stale.json()["error"]["message"]
    deal.refresh_from_db()
    assert (deal.title, str(deal.value)) == ("New", "100.00")
    etag = client.get(url)["ETag"]
    assert etag == '"2"'
    via_header = client.patch(url, {"value": "9"}, format="json", HTTP_IF_MATCH=etag)
    assert via_header.status_code == 200 and via_header.json()["value"] == "9.00"


def test_move_across_and_within_columns(team, jwt_client):
    a, b = _deal(team, "A"), _deal(team, "B")
    meeting = team.stage("Meeting")
    c = _deal(team, "C", "Meeting")
    client = jwt_client(team.bidi)
    response = client.post(
        f"{DEALS}{a.pk}/move/", {"stage": meeting.pk, "before_id": c.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == meeting.pk and response.json()["version"] == 2
    response = client.post(
        f"{DEALS}{b.pk}/move/", {"stage": meeting.pk, "position": 1}, format="json"
    )
    titles = [d.title for d in Deal.objects.filter(stage=meeting).order_by("rank", "id")]
    assert titles == ["C", "B", "A"]
    history = client.get(f"{DEALS}{a.pk}/history/").json()["results"]
    assert [
        (h["from_stage"] and h["from_stage"]["name"], h["to_stage"]["name"]) for h in history
    ] == [
        ("Lead", "Meeting"),
        (None, "Lead"),
    ]


def test_move_to_a_stage_of_another_pipeline_or_org_is_400(team, jwt_client, make_member):
    deal = _deal(team)
    client = jwt_client(team.bidi)
    for stage in (
        StageFactory(organization=team.organization),
        StageFactory(organization=make_member().organization),
    ):
        response = client.post(f"{DEALS}{deal.pk}/move/", {"stage": stage.pk}, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["stage"]
    bad = client.post(
        f"{DEALS}{deal.pk}/move/",
        {"stage": team.stage("Won").pk, "before_id": 999999},
        format="json",
    )
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["before_id"]
    deal.refresh_from_db()
    assert deal.version == 1


def test_a_move_answers_the_full_deal_with_few_queries(
    team, jwt_client, django_assert_max_num_queries
):
    contact = ContactFactory(organization=team.organization, first_name="Ada")
    deal = _deal(
        team,
        contacts=[contact],
        tags=["hot"],
        company=CompanyFactory(organization=team.organization, name="Initech"),
    )
    client, meeting = jwt_client(team.bidi), team.stage("Meeting")
    # user, membership, then in the transaction: the deal locked, stage + column lock, the
    # neighbour's rank, history row, deal update, event; then tags and contacts for the answer
    # (+2 savepoints under the test's transaction).
    with django_assert_max_num_queries(12):
        response = client.post(f"{DEALS}{deal.pk}/move/", {"stage": meeting.pk}, format="json")
    body = response.json()
    assert response.status_code == 200, body
    assert body["stage"] == meeting.pk and body["version"] == 2
    assert [t["name"] for t in body["tags"]] == ["hot"]
    assert [c["id"] for c in body["contacts"]] == [contact.pk]
    assert body["company"]["name"] == "Initech"


def test_a_deal_of_another_organization_is_404(team, jwt_client, make_member):
    stranger = make_member("owner")
    theirs = deal_create(organization=stranger.organization, actor=stranger.user, title="x")
    client = jwt_client(team.owner)
    assert client.get(f"{DEALS}{theirs.pk}/").status_code == 404
    move = client.post(f"{DEALS}{theirs.pk}/move/", {"stage": team.stage("Won").pk}, format="json")
    assert move.status_code == 404
    assert client.delete(f"{DEALS}{theirs.pk}/").status_code == 404


def test_viewers_read_but_cannot_write(team, jwt_client):
    deal = _deal(team)
    client = jwt_client(team.viewer)
    assert client.get(f"{DEALS}{deal.pk}/").status_code == 200
    assert client.post(DEALS, {"title": "x"}, format="json").status_code == 403
    move = client.post(f"{DEALS}{deal.pk}/move/", {"stage": team.stage("Won").pk}, format="json")
    assert move.status_code == 403
    assert jwt_client(team.bidi).delete(f"{DEALS}{deal.pk}/").status_code == 403
    assert jwt_client(team.admin).delete(f"{DEALS}{deal.pk}/").status_code == 204


def test_list_filters_and_pagination(team, jwt_client, django_assert_max_num_queries):
    for n in range(30):
        _deal(
            team,
            f"D{n}",
            value=n * 10,
            tags=["even"] if n % 2 == 0 else [],
            owner=team.bidi if n < 5 else None,
        )
    client = jwt_client(team.bidi)
    with django_assert_max_num_queries(8):
        first = client.get(DEALS, {"page_size": 20}).json()
    assert len(first["results"]) == 20 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10
    ids = [d["id"] for d in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 30
    mine = client.get(DEALS, {"owner": "me", "value_min": "20"}).json()["results"]
    assert sorted(d["title"] for d in mine) == ["D2", "D3", "D4"]
    assert len(client.get(DEALS, {"tag": "even"}).json()["results"]) == 15
    bad = client.get(DEALS, {"value_max": "-1", "stale": "perhaps"})
    assert bad.status_code == 400
    assert sorted(bad.json()["error"]["fields"]) == ["stale", "value_max"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_is_constant(team, jwt_client, django_assert_max_num_queries, rows):
    company = CompanyFactory(organization=team.organization)
    contact = ContactFactory(organization=team.organization)
    for n in range(rows):
        _deal(team, f"D{n}", company=company, contacts=[contact], tags=["t"], owner=team.bidi)
    with django_assert_max_num_queries(8):
        response = jwt_client(team.bidi).get(DEALS)
    assert len(response.json()["results"]) == rows


def test_notes_on_a_deal(team, jwt_client):
    deal = _deal(team)
    client = jwt_client(team.bidi)
    added = client.post(f"{DEALS}{deal.pk}/notes/", {"body": "Sent **proposal**"}, format="json")
    assert added.status_code == 201
    notes = client.get(f"{DEALS}{deal.pk}/notes/").json()["results"]
    assert [n["body_html"] for n in notes] == ["<p>Sent <strong>proposal</strong></p>"]
    assert (
        jwt_client(team.viewer)
        .post(f"{DEALS}{deal.pk}/notes/", {"body": "x"}, format="json")
        .status_code
        == 403
    )
    assert client.post(f"{DEALS}{deal.pk}/notes/", {"body": ""}, format="json").status_code == 400
