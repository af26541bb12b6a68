"""``/api/v1/ai/settings/``, ``/api/v1/ai/auto-send/`` and ``/api/v1/ai/usage/``."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.llm import TokenUsage
from agents.models import AISettings, Usage
from agents.services.settings import ai_settings_update
from agents.usage import usage_record
from messaging.tests.factories import TelegramBotFactory


def test_settings_never_show_the_key_only_whether_one_is_stored(make_member, jwt_client):
    admin = make_member("admin")
    ai_settings_update(
        organization=admin.organization, actor=admin.user, data={"api_key": "sk-secret-123"}
    )

    response = jwt_client(admin.user).get("/api/v1/ai/settings/")

    assert response.status_code == 200
    assert response.json()["has_api_key"] is True
    assert "sk-secret-123" not in response.content.decode()
    assert "api_key" not in response.json()


def test_settings_default_when_never_saved(make_member, jwt_client):
    viewer = make_member("viewer")

    response = jwt_client(viewer.user).get("/api/v1/ai/settings/")

    assert response.status_code == 200
    assert response.json()["provider"] == "local"
    assert response.json()["has_api_key"] is False


def test_admin_patches_settings(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).patch(
        "/api/v1/ai/settings/",
        {"forbidden_phrases": ["guarantee"], "user_drafts_per_minute": 3},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["forbidden_phrases"] == ["guarantee"]
    assert AISettings.objects.get(organization=admin.organization).user_drafts_per_minute == 3


def test_bad_values_answer_400_with_field_errors(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).patch(
        "/api/v1/ai/settings/", {"request_timeout": 500, "base_url": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"request_timeout", "base_url"}


def test_wrong_types_answer_400_with_field_errors(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).patch(
        "/api/v1/ai/settings/", {"request_timeout": "soon"}, format="json"
    )

    assert response.status_code == 400
    assert "request_timeout" in response.json()["error"]["fields"]


def test_business_developer_cannot_patch_settings(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).patch(
        "/api/v1/ai/settings/", {"auto_draft": True}, format="json"
    )

    assert response.status_code == 403


def test_settings_are_per_organization(make_member, jwt_client):
    admin, other = make_member("admin"), make_member("admin")
    jwt_client(other.user).patch("/api/v1/ai/settings/", {"auto_draft": True}, format="json")

    response = jwt_client(admin.user).get("/api/v1/ai/settings/")

    assert response.json()["auto_draft"] is False


def test_admin_turns_auto_send_on_and_off_by_bot(make_member, jwt_client):
    admin = make_member("admin")
    bot = TelegramBotFactory(organization=admin.organization)
    client = jwt_client(admin.user)

    assert client.put(f"/api/v1/ai/auto-send/{bot.pk}/").json()["enabled"] is True
    listed = client.get("/api/v1/ai/auto-send/").json()
    assert [(row["bot"], row["enabled"], row["enabled_by"]) for row in listed] == [
        (bot.pk, True, admin.user.pk)
    ]
    assert client.delete(f"/api/v1/ai/auto-send/{bot.pk}/").status_code == 204
    assert client.get(f"/api/v1/ai/auto-send/{bot.pk}/").json()["enabled"] is False


def test_auto_send_of_another_organizations_bot_is_not_found(make_member, jwt_client):
    admin = make_member("admin")
    foreign = TelegramBotFactory()

    response = jwt_client(admin.user).put(f"/api/v1/ai/auto-send/{foreign.pk}/")

    assert response.status_code == 404


def test_business_developer_cannot_turn_on_auto_send(make_member, jwt_client):
    bidi = make_member("bidi")
    bot = TelegramBotFactory(organization=bidi.organization)

    assert jwt_client(bidi.user).put(f"/api/v1/ai/auto-send/{bot.pk}/").status_code == 403


def test_usage_report_for_a_date_range(make_member, jwt_client):
    admin = make_member("admin")
    row = usage_record(
        organization=admin.organization,
        user=admin.user,
        kind=Usage.Kind.DRAFT,
        provider="openai",
        model="gpt-4o-mini",
        usage=TokenUsage(1000, 500),
    )
    Usage.objects.filter(pk=row.pk).update(created_at=datetime(2026, 3, 10, tzinfo=UTC))

    response = jwt_client(admin.user).get("/api/v1/ai/usage/?since=2026-03-01&until=2026-04-01")
    empty = jwt_client(admin.user).get("/api/v1/ai/usage/?since=2026-04-01&until=2026-05-01")

    assert response.status_code == 200
    assert response.json()["totals"]["total_tokens"] == 1500
    assert response.json()["users"][0]["user"]["email"] == admin.user.email
    assert empty.json()["totals"]["total_tokens"] == 0


def test_usage_rejects_unreadable_dates(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).get("/api/v1/ai/usage/?since=yesterday")

    assert response.status_code == 400
    assert "since" in response.json()["error"]["fields"]


def test_usage_needs_ai_manage(make_member, jwt_client):
    bidi = make_member("bidi")

    assert jwt_client(bidi.user).get("/api/v1/ai/usage/").status_code == 403
