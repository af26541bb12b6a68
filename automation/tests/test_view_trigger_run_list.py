"""The run log: newest first, filtered by automation, status and day range."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from automation.models import TriggerRun
from automation.tests.factories import EventFactory, TriggerFactory, TriggerRunFactory

pytestmark = pytest.mark.django_db

URL = "/settings/automations/runs/"


def test_each_run_shows_its_automation_status_event_and_actions(make_member, client):
    viewer = make_member("viewer")
    trigger = TriggerFactory(organization=viewer.organization, name="Tag VIPs")
    event = EventFactory(organization=viewer.organization, name="message.received")
    TriggerRunFactory(
        trigger=trigger,
        event=event,
        actions_result=[
            {"index": 0, "type": "contact.add_tag", "status": "succeeded", "result": "Tagged Jo"}
        ],
    )
    client.force_login(viewer.user)

    html = client.get(URL).content.decode()

    assert "Tag VIPs" in html
    assert "Succeeded" in html
    assert f"message.received #{event.pk}" in html
    assert "Tagged Jo" in html


def test_runs_filter_by_automation_and_status(make_member, client):
    owner = make_member("owner")
    wanted = TriggerFactory(organization=owner.organization, name="Wanted")
    other = TriggerFactory(organization=owner.organization, name="Other")
    keep = TriggerRunFactory(trigger=wanted, status=TriggerRun.Status.FAILED)
    TriggerRunFactory(trigger=wanted, status=TriggerRun.Status.SUCCEEDED)
    TriggerRunFactory(trigger=other, status=TriggerRun.Status.FAILED)
    client.force_login(owner.user)

    response = client.get(URL, {"trigger": wanted.pk, "status": "failed"})

    assert [row["run"].pk for row in response.context["rows"]] == [keep.pk]


def test_runs_filter_by_day_range_in_the_organizations_time_zone(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(organization=owner.organization)
    inside = TriggerRunFactory(trigger=trigger, created_at=timezone.now() - timedelta(days=1))
    TriggerRunFactory(trigger=trigger, created_at=timezone.now() - timedelta(days=10))
    client.force_login(owner.user)
    day = (timezone.now() - timedelta(days=2)).date().isoformat()

    response = client.get(URL, {"since": day})

    assert [row["run"].pk for row in response.context["rows"]] == [inside.pk]


def test_a_filter_with_no_match_says_so(make_member, client):
    owner = make_member("owner")
    TriggerRunFactory(trigger=TriggerFactory(organization=owner.organization))
    client.force_login(owner.user)

    html = client.get(URL, {"status": "loop"}).content.decode()

    assert "No matching runs" in html


def test_the_log_pages_fifty_runs_at_a_time(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(organization=owner.organization)
    TriggerRunFactory.create_batch(51, trigger=trigger)
    client.force_login(owner.user)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1


def test_the_log_reads_a_fixed_number_of_queries(
    make_member, client, django_assert_max_num_queries
):
    owner = make_member("owner")
    for _ in range(5):
        event = EventFactory(organization=owner.organization)
        TriggerRunFactory(trigger=TriggerFactory(organization=owner.organization), event=event)
    client.force_login(owner.user)

    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


def test_runs_of_another_organization_are_never_listed(make_member, client):
    owner = make_member("owner")
    TriggerRunFactory(trigger=TriggerFactory(name="Foreign"))
    client.force_login(owner.user)

    assert "Foreign" not in client.get(URL).content.decode()


def test_an_unknown_day_is_ignored(make_member, client):
    owner = make_member("owner")
    TriggerRunFactory(trigger=TriggerFactory(organization=owner.organization))
    client.force_login(owner.user)

    response = client.get(URL, {"since": "yesterday", "until": datetime.now().date()})

    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
