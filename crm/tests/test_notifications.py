"""crm notices through the real spine: the note and import services emit, the dispatch runs on
commit (eager Celery) and the notifications engine tells the mentioned members and the member
who started an import."""

from __future__ import annotations

import pytest
from django.urls import reverse

from automation.events import dispatch
from automation.models import Event, SubscriberReceipt
from crm.services import notes as note_services
from crm.tests.factories import CompanyFactory, ContactFactory
from crm.tests.import_files import import_through
from notifications.delivery import not_allowed_reason
from notifications.models import Notification


@pytest.fixture
def team(make_member):
    """Ada writes the notes; Anna, Boris and Vera (a viewer) are her colleagues; Zoe is in
    another organization."""
    ada = make_member("bidi", email="ada@acme.com", full_name="Ada Lovelace")
    organization = ada.organization
    return {
        "ada": ada.user,
        "anna": make_member(
            "bidi", organization, email="anna@acme.com", full_name="Anna Petrova"
        ).user,
        "boris": make_member(
            "admin", organization, email="b.k@acme.com", full_name="Boris Kuznetsov"
        ).user,
        "vera": make_member("viewer", organization, email="vera@acme.com", full_name="Vera").user,
        "zoe": make_member("owner", email="zoe@acme.com", full_name="Zoe").user,
        "organization": organization,
    }


def told(type_key: str = "note.mention") -> dict:
    found: dict = {}
    for notice in Notification.objects.filter(type=type_key).order_by("pk"):
        found.setdefault(notice.user, []).append(notice.title)
    return found


def add_note(team, capture, body: str, **subject):
    with capture(execute=True):
        return note_services.note_add(
            organization=team["organization"], actor=team["ada"], body=body, **subject
        )


def test_a_note_tells_the_members_it_mentions(team, django_capture_on_commit_callbacks):
    contact = ContactFactory(organization=team["organization"], first_name="Ivan", last_name="Acme")

    add_note(
        team,
        django_capture_on_commit_callbacks,
        "@anna and @BorisKuznetsov: demo on Tuesday. @vera FYI. @zoe",
        contact=contact,
    )

    title = "Ada Lovelace mentioned you in a note on Ivan Acme"
    assert told() == {team["anna"]: [title], team["boris"]: [title], team["vera"]: [title]}
    notice = Notification.objects.get(user=team["anna"])
    assert notice.url == reverse("crm:contact_detail", args=[contact.pk])
    assert notice.body == "@anna and @BorisKuznetsov: demo on Tuesday. @vera FYI. @zoe"
    assert list(notice.deliveries.values_list("channel", flat=True)) == ["email"]


def test_a_note_on_a_company_leads_to_the_company(team, django_capture_on_commit_callbacks):
    company = CompanyFactory(organization=team["organization"], name="Globex")

    add_note(team, django_capture_on_commit_callbacks, "@anna budget is in", company=company)

    notice = Notification.objects.get(user=team["anna"])
    assert notice.title == "Ada Lovelace mentioned you in a note on Globex"
    assert notice.url == reverse("crm:company_detail", args=[company.pk])


def test_mentioning_oneself_tells_nobody(team, django_capture_on_commit_callbacks):
    contact = ContactFactory(organization=team["organization"])

    add_note(team, django_capture_on_commit_callbacks, "Reminder for @ada", contact=contact)

    assert told() == {}


def test_an_edit_tells_only_the_newly_mentioned(team, django_capture_on_commit_callbacks):
    contact = ContactFactory(organization=team["organization"])
    note = add_note(team, django_capture_on_commit_callbacks, "Call @anna", contact=contact)

    with django_capture_on_commit_callbacks(execute=True):
        note_services.note_update(note=note, actor=team["ada"], body="Call @anna and @boris")

    assert {user: len(titles) for user, titles in told().items()} == {
        team["anna"]: 1,
        team["boris"]: 1,
    }


def test_a_redispatched_note_tells_nobody_twice(team, django_capture_on_commit_callbacks):
    contact = ContactFactory(organization=team["organization"])
    add_note(team, django_capture_on_commit_callbacks, "Call @anna", contact=contact)
    event = Event.objects.get(name="note.added")

    SubscriberReceipt.objects.filter(event=event).delete()
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(event.pk)

    assert Notification.objects.filter(user=team["anna"]).count() == 1


def test_a_mention_in_a_deleted_note_is_not_sent_anymore(team, django_capture_on_commit_callbacks):
    contact = ContactFactory(organization=team["organization"])
    note = add_note(team, django_capture_on_commit_callbacks, "Call @anna", contact=contact)
    notice = Notification.objects.get(user=team["anna"])

    note_services.note_delete(note=note, actor=team["ada"])

    assert not_allowed_reason(notice) == "The user may no longer see what this is about."


def test_a_finished_import_tells_who_started_it(
    team, make_member, django_capture_on_commit_callbacks
):
    starter = make_member("bidi", team["organization"])
    content = "Name,Email\nAnn Lee,ann@example.com\nBad Row,not-an-email\nBob,bob@example.com\n"

    with django_capture_on_commit_callbacks(execute=True):
        job = import_through(starter, content)

    assert told("import.finished") == {
        starter.user: ["Import of people.csv finished: 2 created, 0 updated, 1 failed"]
    }
    notice = Notification.objects.get(type="import.finished")
    assert notice.url == reverse("crm:import_detail", args=[job.pk])
    assert notice.body == "3 of 3 rows processed, 0 skipped."
    assert list(notice.deliveries.values_list("channel", flat=True)) == ["email"]
