"""Settings → Automations: the list of automations, for members who may see them."""

from __future__ import annotations

import pytest

from automation.models import TriggerRun
from automation.tests.factories import TriggerFactory, TriggerRunFactory

pytestmark = pytest.mark.django_db

URL = "/settings/automations/"


def test_the_list_says_in_words_what_starts_each_automation(make_member, client):
    owner = make_member("owner")
    owner.organization.time_zone = "Europe/Berlin"
    owner.organization.save()
    TriggerFactory(organization=owner.organization, name="A", event_name="message.received")
    TriggerFactory(organization=owner.organization, name="B", when="cron", cron="0 9 * * 1")
    TriggerFactory(
        organization=owner.organization,
        name="C",
        when="relative",
        relative_kind="chat.no_reply",
        relative_params={"days": 3},
    )
    client.force_login(owner.user)

    html = client.get(URL).content.decode()

    assert "When a message is received" in html
    assert "Every Monday 09:00 (Europe/Berlin)" in html
    assert "No reply from the contact for 3 days" in html


def test_the_list_shows_the_last_run_and_the_failures_of_the_last_day(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(organization=owner.organization, name="Tag VIPs")
    TriggerRunFactory(trigger=trigger, status=TriggerRun.Status.FAILED)
    TriggerRunFactory(trigger=trigger, status=TriggerRun.Status.FAILED)
    client.force_login(owner.user)

    html = client.get(URL).content.decode()

    assert "2 failed in 24 h" in html
    assert "run-status-failed" in html


def test_built_in_automations_carry_a_badge(make_member, client):
    owner = make_member("owner")
    TriggerFactory(organization=owner.organization, builtin="transition.first_reply")
    client.force_login(owner.user)

    assert "Built-in" in client.get(URL).content.decode()


def test_an_empty_list_invites_managers_to_create_one(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    html = client.get(URL).content.decode()

    assert "No automations yet" in html
    assert "/settings/automations/new/" in html


def test_viewers_see_the_list_without_toggles_or_a_new_button(make_member, client):
    viewer = make_member("viewer")
    TriggerFactory(organization=viewer.organization, name="Tag VIPs")
    client.force_login(viewer.user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tag VIPs" in html
    assert "/settings/automations/new/" not in html
    assert 'role="switch"' not in html


def test_the_list_reads_a_fixed_number_of_queries(
    make_member, client, django_assert_max_num_queries
):
    owner = make_member("owner")
    for _ in range(5):
        TriggerRunFactory(trigger=TriggerFactory(organization=owner.organization))
    client.force_login(owner.user)

    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
