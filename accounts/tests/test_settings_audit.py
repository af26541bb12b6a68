import pytest

from accounts.tests.factories import AuditEntryFactory

URL = "/settings/audit-log/"


@pytest.fixture
def admin(make_member, client):
    member = make_member("admin")
    client.force_login(member.user)
    return member


def test_admin_reads_who_did_what_from_where(admin, client):
    AuditEntryFactory(
        organization=admin.organization,
        actor=admin.user,
        actor_label=admin.user.email,
        action="member.role_changed",
        target_label="Bob Bidi",
        ip_address="203.0.113.7",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140 Safari/537",
    )

    html = client.get(URL).content.decode()

    assert "member.role_changed" in html
    assert "Bob Bidi" in html
    assert "203.0.113.7" in html
    assert "Mozilla/5.0 (X11; Linux x86_64)…" in html


def test_entries_of_other_organizations_are_not_shown(admin, client, make_member):
    AuditEntryFactory(organization=make_member("owner").organization, target_label="Elsewhere")

    assert "Elsewhere" not in client.get(URL).content.decode()


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_members_below_admin_cannot_read_the_log(role, make_member, client):
    client.force_login(make_member(role).user)

    assert client.get(URL).status_code == 403


def test_filtering_by_action(admin, client):
    AuditEntryFactory(
        organization=admin.organization, action="apikey.created", target_label="Key created here"
    )
    AuditEntryFactory(
        organization=admin.organization, action="member.removed", target_label="Member removed here"
    )

    html = client.get(URL, {"action": "apikey.created"}).content.decode()

    assert "Key created here" in html
    assert "Member removed here" not in html


def test_filtering_by_actor(admin, client, make_member):
    other = make_member("bidi", organization=admin.organization)
    AuditEntryFactory(
        organization=admin.organization, actor=admin.user, target_label="Done by the admin"
    )
    AuditEntryFactory(
        organization=admin.organization, actor=other.user, target_label="Done by the other"
    )

    html = client.get(URL, {"actor": other.user.pk}).content.decode()

    assert "Done by the other" in html
    assert "Done by the admin" not in html


def test_unknown_filter_value_is_shown_next_to_the_field(admin, client):
    response = client.get(URL, {"action": "no.such.action"})

    assert response.status_code == 200
    assert response.context["form"].errors["action"]


def test_log_pages_by_fifty_and_keeps_filters(admin, client, django_assert_max_num_queries):
    for n in range(51):
        AuditEntryFactory(
            organization=admin.organization, action="apikey.created", target_label=f"E{n}"
        )

    with django_assert_max_num_queries(15):
        first = client.get(URL, {"action": "apikey.created"})
    second = client.get(URL, {"action": "apikey.created", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert "action=apikey.created&amp;page=2" in first.content.decode()
    assert len(second.context["page"].object_list) == 1
