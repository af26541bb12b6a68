import datetime

from django.utils import timezone

from accounts.tests.factories import AuditEntryFactory


def test_dates_are_shown_in_the_users_time_zone(client, make_member):
    member = make_member("owner")
    member.user.time_zone = "Asia/Tokyo"
    member.user.save(update_fields=["time_zone"])
    AuditEntryFactory(
        organization=member.organization,
        created_at=datetime.datetime(2026, 1, 5, 23, 30, tzinfo=datetime.UTC),
    )
    client.force_login(member.user)

    page = client.get("/settings/audit-log/").content.decode()

    # 23:30 UTC on 5 January is 08:30 on 6 January in Tokyo.
    assert "08:30" in page
    assert "23:30" not in page


def test_an_unknown_time_zone_falls_back_to_utc(client, make_member):
    member = make_member("owner")
    member.user.time_zone = "Mars/Olympus"
    member.user.save(update_fields=["time_zone"])
    client.force_login(member.user)

    response = client.get("/settings/profile/")

    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"
