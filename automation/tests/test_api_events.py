from datetime import UTC, datetime

from accounts.tests.factories import OrganizationFactory, UserFactory
from automation.tests.factories import EventFactory

EVENTS = "/api/v1/events/"


def at(day: int) -> datetime:
    return datetime(2026, 1, day, 12, tzinfo=UTC)


def names(response) -> list[str]:
    return [e["name"] for e in response.json()["results"]]


def test_events_are_listed_newest_first_with_their_payload(make_member, jwt_client):
    admin = make_member("admin")
    org = admin.organization
    EventFactory(organization=org, name="contact.created", payload={"contact": {"id": 1}})
    EventFactory(organization=org, name="deal.won", payload={"deal": {"id": 2}})

    response = jwt_client(admin.user).get(EVENTS)

    assert response.status_code == 200
    assert names(response) == ["deal.won", "contact.created"]
    assert response.json()["results"][0]["payload"] == {"deal": {"id": 2}}


def test_pages_follow_the_cursor(make_member, jwt_client):
    admin = make_member("admin")
    for day in range(1, 6):
        EventFactory(organization=admin.organization, name="deal.updated", created_at=at(day))
    client = jwt_client(admin.user)

    first = client.get(EVENTS, {"page_size": 3}).json()
    second = client.get(first["next"]).json()

    ids = [e["id"] for e in first["results"] + second["results"]]
    assert len(ids) == 5
    assert ids == sorted(ids, reverse=True)
    assert second["next"] is None


def test_events_are_filtered_by_exact_name(make_member, jwt_client):
    admin = make_member("admin")
    EventFactory(organization=admin.organization, name="deal.won")
    EventFactory(organization=admin.organization, name="deal.lost")

    response = jwt_client(admin.user).get(EVENTS, {"name": "deal.won"})

    assert names(response) == ["deal.won"]


def test_events_are_filtered_by_a_name_prefix(make_member, jwt_client):
    admin = make_member("admin")
    EventFactory(organization=admin.organization, name="deal.won")
    EventFactory(organization=admin.organization, name="contact.created")
    EventFactory(organization=admin.organization, name="deal.created")

    response = jwt_client(admin.user).get(EVENTS, {"name": "deal.*"})

    assert names(response) == ["deal.created", "deal.won"]


def test_a_malformed_name_filter_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get(EVENTS, {"name": "deal.%"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_since_is_inclusive_and_until_exclusive(make_member, jwt_client):
    admin = make_member("admin")
    for day in (1, 2, 3):
        EventFactory(organization=admin.organization, name="deal.updated", created_at=at(day))

    response = jwt_client(admin.user).get(
        EVENTS, {"since": at(2).isoformat(), "until": at(3).isoformat()}
    )

    assert [e["created_at"][:10] for e in response.json()["results"]] == ["2026-01-02"]


def test_until_before_since_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get(
        EVENTS, {"since": at(3).isoformat(), "until": at(2).isoformat()}
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["until"]


def test_events_are_filtered_by_actor(make_member, jwt_client):
    admin = make_member("admin")
    someone = UserFactory()
    EventFactory(organization=admin.organization, name="deal.won", actor=someone)
    EventFactory(organization=admin.organization, name="deal.lost", actor=admin.user)

    response = jwt_client(admin.user).get(EVENTS, {"actor": someone.pk})

    assert names(response) == ["deal.won"]
    assert response.json()["results"][0]["actor"]["id"] == someone.pk


def test_one_event_is_read_by_id(make_member, jwt_client):
    admin = make_member("admin")
    event = EventFactory(organization=admin.organization, name="deal.won", trigger_chain=[4])

    response = jwt_client(admin.user).get(f"{EVENTS}{event.pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == "deal.won"
    assert response.json()["trigger_chain"] == [4]


def test_events_of_other_organizations_are_never_listed(make_member, jwt_client):
    admin = make_member("admin")
    EventFactory(organization=OrganizationFactory(), name="deal.won")

    response = jwt_client(admin.user).get(EVENTS)

    assert names(response) == []


def test_an_event_of_another_organization_is_not_found(make_member, jwt_client):
    admin = make_member("admin")
    other = EventFactory(organization=OrganizationFactory(), name="deal.won")

    response = jwt_client(admin.user).get(f"{EVENTS}{other.pk}/")

    assert response.status_code == 404


def test_bidi_cannot_read_events(make_member, jwt_client):
    member = make_member("bidi")

    assert jwt_client(member.user).get(EVENTS).status_code == 403


def test_viewer_cannot_read_events(make_member, jwt_client):
    member = make_member("viewer")

    assert jwt_client(member.user).get(EVENTS).status_code == 403


def test_listing_events_takes_a_fixed_number_of_queries(
    make_member, jwt_client, django_assert_max_num_queries
):
    admin = make_member("admin")
    for _ in range(10):
        EventFactory(organization=admin.organization, name="deal.won", actor=UserFactory())
    client = jwt_client(admin.user)

    with django_assert_max_num_queries(8):
        response = client.get(EVENTS)

    assert len(response.json()["results"]) == 10
