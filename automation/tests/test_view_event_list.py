from datetime import UTC, datetime

from accounts.tests.factories import OrganizationFactory, UserFactory
from automation.tests.factories import EventFactory
from automation.views.events import EVENT_PAGE_SIZE

URL = "/settings/events/"


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_events_are_listed_newest_first(client, make_member):
    admin = make_member("admin")
    EventFactory(organization=admin.organization, name="contact.created")
    EventFactory(
        organization=admin.organization, name="deal.won", payload={"deal": {"title": "Pilot"}}
    )

    response = signed_in(client, admin).get(URL)

    assert [(e.name, summary) for e, summary in response.context["rows"]] == [
        ("deal.won", "Pilot"),
        ("contact.created", ""),
    ]
    assert "Pilot" in response.content.decode()


def test_the_type_filter_takes_a_prefix(client, make_member):
    admin = make_member("admin")
    EventFactory(organization=admin.organization, name="deal.won")
    EventFactory(organization=admin.organization, name="contact.created")

    response = signed_in(client, admin).get(URL, {"name": "deal.*"})

    assert [e.name for e, _summary in response.context["rows"]] == ["deal.won"]


def test_the_day_range_includes_its_last_day(client, make_member):
    admin = make_member("admin")
    for day in (1, 2, 3):
        EventFactory(
            organization=admin.organization,
            name="deal.updated",
            created_at=datetime(2026, 1, day, 12, tzinfo=UTC),
        )

    response = signed_in(client, admin).get(URL, {"since": "2026-01-02", "until": "2026-01-03"})

    days = [e.created_at.day for e, _summary in response.context["rows"]]
    assert days == [3, 2]


def test_the_actor_filter_shows_what_one_person_did(client, make_member):
    admin = make_member("admin")
    someone = UserFactory()
    EventFactory(organization=admin.organization, name="deal.won", actor=someone)
    EventFactory(organization=admin.organization, name="deal.lost", actor=admin.user)

    response = signed_in(client, admin).get(URL, {"actor": someone.pk})

    assert [e.name for e, _summary in response.context["rows"]] == ["deal.won"]


def test_older_events_are_on_the_next_page(client, make_member):
    admin = make_member("admin")
    events = [
        EventFactory(organization=admin.organization, name="deal.updated")
        for _ in range(EVENT_PAGE_SIZE + 2)
    ]
    client = signed_in(client, admin)

    first = client.get(URL)
    second = client.get(URL, {"before": first.context["older"]})

    assert len(first.context["rows"]) == EVENT_PAGE_SIZE
    assert [e.pk for e, _s in second.context["rows"]] == [events[1].pk, events[0].pk]
    assert second.context["older"] is None


def test_events_of_other_organizations_are_not_listed(client, make_member):
    admin = make_member("admin")
    EventFactory(organization=OrganizationFactory(), name="deal.won")

    response = signed_in(client, admin).get(URL)

    assert response.context["rows"] == []


def test_bidi_members_cannot_see_the_event_log(client, make_member):
    member = make_member("bidi")

    assert signed_in(client, member).get(URL).status_code == 403
