"""Deleting an automation asks first."""

from __future__ import annotations

import pytest

from automation.models import Trigger
from automation.tests.factories import TriggerFactory

pytestmark = pytest.mark.django_db


def test_the_page_asks_before_deleting(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(organization=owner.organization, name="Tag VIPs")
    client.force_login(owner.user)

    html = client.get(f"/settings/automations/{trigger.pk}/delete/").content.decode()

    assert "Delete “Tag VIPs”?" in html
    assert Trigger.objects.filter(pk=trigger.pk).exists()


def test_confirming_deletes_it_and_returns_to_the_list(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(organization=owner.organization)
    client.force_login(owner.user)

    response = client.post(f"/settings/automations/{trigger.pk}/delete/")

    assert response["Location"] == "/settings/automations/"
    assert not Trigger.objects.filter(pk=trigger.pk).exists()


def test_viewers_cannot_delete(make_member, client):
    viewer = make_member("viewer")
    trigger = TriggerFactory(organization=viewer.organization)
    client.force_login(viewer.user)

    assert client.post(f"/settings/automations/{trigger.pk}/delete/").status_code == 403
    assert Trigger.objects.filter(pk=trigger.pk).exists()
