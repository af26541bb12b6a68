from datetime import UTC, datetime

from accounts.tests.factories import AuditEntryFactory, UserFactory

AUDIT_LOG = "/api/v1/audit-log/"


def at(day: int) -> datetime:
    return datetime(2025, 1, day, 12, tzinfo=UTC)


def test_entries_are_listed_newest_first(make_member, jwt_client):
    admin = make_member("admin")
    org = admin.organization
    AuditEntryFactory(organization=org, action="member.removed", created_at=at(1))
    AuditEntryFactory(organization=org, action="apikey.created", created_at=at(3))
    AuditEntryFactory(organization=org, action="invitation.created", created_at=at(2))

    response = jwt_client(admin.user).get(AUDIT_LOG)

    assert response.status_code == 200
    assert [e["action"] for e in response.json()["results"]] == [
        "apikey.created",
        "invitation.created",
        "member.removed",
    ]


def test_pages_follow_the_cursor(make_member, jwt_client):
    admin = make_member("admin")
    for day in range(1, 6):
        AuditEntryFactory(organization=admin.organization, action=f"a.{day}", created_at=at(day))
    client = jwt_client(admin.user)

    first = client.get(AUDIT_LOG, {"page_size": 3}).json()
    second = client.get(first["next"]).json()

    assert [e["action"] for e in first["results"] + second["results"]] == [
        "a.5",
        "a.4",
        "a.3",
        "a.2",
        "a.1",
    ]
    assert second["next"] is None


def test_entries_are_filtered_by_action(make_member, jwt_client):
    admin = make_member("admin")
    AuditEntryFactory(organization=admin.organization, action="member.removed")
    AuditEntryFactory(organization=admin.organization, action="apikey.created")

    response = jwt_client(admin.user).get(AUDIT_LOG, {"action": "apikey.created"})

    assert [e["action"] for e in response.json()["results"]] == ["apikey.created"]


def test_entries_are_filtered_by_actor(make_member, jwt_client):
    admin = make_member("admin")
    someone = UserFactory()
    AuditEntryFactory(organization=admin.organization, actor=someone, action="by.someone")
    AuditEntryFactory(organization=admin.organization, actor=admin.user, action="by.admin")

    response = jwt_client(admin.user).get(AUDIT_LOG, {"actor": someone.pk})

    results = response.json()["results"]
    assert [(e["action"], e["actor"]["email"]) for e in results] == [("by.someone", someone.email)]


def test_since_is_inclusive_and_until_exclusive(make_member, jwt_client):
    admin = make_member("admin")
    for day in range(1, 6):
        AuditEntryFactory(organization=admin.organization, action=f"a.{day}", created_at=at(day))

    response = jwt_client(admin.user).get(
        AUDIT_LOG, {"since": at(2).isoformat(), "until": "2025-01-04"}
    )

    assert [e["action"] for e in response.json()["results"]] == ["a.3", "a.2"]


def test_bad_date_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get(AUDIT_LOG, {"since": "last tuesday"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["since"]


def test_until_before_since_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get(AUDIT_LOG, {"since": "2025-02-01", "until": "2025-01-01"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["until"]


def test_actor_must_be_a_user_id(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get(AUDIT_LOG, {"actor": "someone@example.com"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["actor"]


def test_entries_of_other_organizations_are_never_shown(make_member, jwt_client):
    admin = make_member("admin")
    AuditEntryFactory(organization=make_member("owner").organization, action="theirs")
    AuditEntryFactory(organization=None, action="user.logged_in", actor=admin.user)

    response = jwt_client(admin.user).get(AUDIT_LOG)

    assert response.json()["results"] == []


def test_bidi_cannot_read_the_audit_log(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).get(AUDIT_LOG)

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "audit.view"


def test_listing_entries_takes_the_same_queries_however_many_there_are(
    make_member, jwt_client, django_assert_max_num_queries
):
    admin = make_member("admin")
    for _ in range(30):
        AuditEntryFactory(organization=admin.organization, actor=UserFactory())
    client = jwt_client(admin.user)

    with django_assert_max_num_queries(3):
        response = client.get(AUDIT_LOG)

    assert len(response.json()["results"]) == 30
