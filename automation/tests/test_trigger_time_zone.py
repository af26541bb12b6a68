"""The organization's time zone: validated when set, and scheduled triggers follow it."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts import services
from accounts.errors import ValidationError
from automation.tests.factories import TriggerFactory


def test_an_unknown_time_zone_is_refused(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as caught:
        services.organization_update(
            organization=owner.organization, actor=owner.user, data={"time_zone": "Mars/Olympus"}
        )

    assert "time_zone" in caught.value.fields


def test_changing_the_time_zone_moves_scheduled_triggers_to_the_new_clock(
    make_member, django_capture_on_commit_callbacks
):
    owner = make_member("owner")
    trigger = TriggerFactory(
        organization=owner.organization,
        when="cron",
        event_name="",
        cron="0 9 * * *",
        next_run_at=datetime.now(UTC) + timedelta(days=30),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update(
            organization=owner.organization, actor=owner.user, data={"time_zone": "Asia/Tokyo"}
        )

    trigger.refresh_from_db()
    assert trigger.next_run_at.astimezone(UTC).hour == 0  # 09:00 in Tokyo
    assert trigger.next_run_at < datetime.now(UTC) + timedelta(days=1, minutes=1)


def test_the_organization_settings_page_saves_the_time_zone(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    response = client.post(
        "/settings/organization/",
        {"name": owner.organization.name, "default_currency": "EUR", "time_zone": "Europe/Paris"},
    )

    assert response.status_code == 302
    owner.organization.refresh_from_db()
    assert owner.organization.time_zone == "Europe/Paris"


def test_the_organization_api_reads_and_sets_the_time_zone(make_member, jwt_client):
    owner = make_member("owner")
    client = jwt_client(owner.user)
    url = f"/api/v1/organizations/{owner.organization.pk}/"

    bad = client.patch(url, {"time_zone": "Mars/Olympus"}, format="json")
    good = client.patch(url, {"time_zone": "America/Sao_Paulo"}, format="json")

    assert bad.status_code == 400
    assert "time_zone" in bad.json()["error"]["fields"]
    assert good.status_code == 200
    assert good.json()["time_zone"] == "America/Sao_Paulo"
