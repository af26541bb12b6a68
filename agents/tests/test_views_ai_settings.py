"""Settings → AI: managers only; saving through the settings service with errors next to the
fields; the API key write-only (kept when left empty, removable); auto-send per bot; this
month's usage and draft metrics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import AISettings, AutoSendChannel, Draft
from agents.tests.factories import AISettingsFactory, DraftFactory, UsageFactory
from messaging.tests.factories import TelegramBotFactory

URL = reverse("agents:settings")


def form_data(**overrides):
    data = {
        "provider": "local",
        "base_url": "",
        "api_key": "",
        "model": "gpt-4o-mini",
        "embedding_model": "text-embedding-3-small",
        "request_timeout": "30",
        "auto_draft": "on",
        "stage_suggestions": "on",
        "language": "auto",
        "context_messages": "30",
        "context_token_budget": "3000",
        "formality": "formal",
        "tone_instructions": "Short and warm.",
        "forbidden_phrases": "guaranteed\n\nrisk-free\n",
        "required_disclaimer": "",
        "banned_topics": "politics",
        "monthly_token_budget": "100000",
        "org_drafts_per_minute": "60",
        "user_drafts_per_minute": "10",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin(make_member):
    return make_member("admin")


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_only_managers_open_ai_settings(client, make_member, role):
    member = make_member(role)
    client.force_login(member.user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403


def test_the_settings_menu_links_the_page_for_managers(client, admin):
    client.force_login(admin.user)

    html = client.get(reverse("settings_profile")).content.decode()

    assert URL in html and "AI drafts" in html


def test_saving_stores_the_settings_with_one_phrase_a_line(client, admin):
    client.force_login(admin.user)

    response = client.post(URL, form_data())

    assert response.status_code == 302
    saved = AISettings.objects.get(organization=admin.organization)
    assert saved.auto_draft is True
    assert saved.formality == "formal"
    assert saved.forbidden_phrases == ["guaranteed", "risk-free"]
    assert saved.banned_topics == ["politics"]
    assert saved.monthly_token_budget == 100000


def test_errors_show_next_to_their_fields_and_nothing_is_saved(client, admin):
    client.force_login(admin.user)

    response = client.post(URL, form_data(model="not a model name!", language="english"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_model_error"' in html
    assert 'id="id_language_error"' in html
    assert not AISettings.objects.filter(organization=admin.organization).exists()


def test_the_openai_provider_without_a_key_asks_for_one(client, admin, settings):
    settings.AI_OPENAI_API_KEY = ""
    client.force_login(admin.user)

    response = client.post(URL, form_data(provider="openai"))

    assert "Enter the API key" in response.content.decode()


def test_the_key_is_write_only_kept_when_empty_and_removable(client, admin):
    client.force_login(admin.user)
    client.post(URL, form_data(provider="openai", api_key="sk-test-123"))
    assert AISettings.objects.get(organization=admin.organization).api_key == "sk-test-123"

    html = client.get(URL).content.decode()
    assert "A key is stored" in html
    assert "sk-test-123" not in html

    client.post(URL, form_data(provider="openai", model="gpt-4o"))
    saved = AISettings.objects.get(organization=admin.organization)
    assert (saved.api_key, saved.model) == ("sk-test-123", "gpt-4o")

    client.post(URL, form_data(provider="local"))
    client.post(reverse("agents:settings_key_remove"))
    assert AISettings.objects.get(organization=admin.organization).api_key == ""
    assert "No key stored" in client.get(URL).content.decode()


def test_auto_send_is_turned_on_and_off_per_bot_with_a_warning(client, admin):
    bot = TelegramBotFactory(organization=admin.organization, username="acme_bot")
    client.force_login(admin.user)
    html = client.get(URL).content.decode()
    assert "without anyone reading them first" in html
    assert "@acme_bot" in html

    client.post(reverse("agents:settings_auto_send", args=[bot.pk]), {"enabled": "1"})
    assert AutoSendChannel.objects.filter(bot=bot).exists()
    assert "Auto-send on" in client.get(URL).content.decode()

    client.post(reverse("agents:settings_auto_send", args=[bot.pk]), {"enabled": "0"})
    assert not AutoSendChannel.objects.filter(bot=bot).exists()


def test_auto_send_for_another_organizations_bot_is_not_found(client, admin):
    other = TelegramBotFactory()
    client.force_login(admin.user)

    response = client.post(reverse("agents:settings_auto_send", args=[other.pk]), {"enabled": "1"})

    assert response.status_code == 404
    assert not AutoSendChannel.objects.exists()


def test_the_page_shows_this_months_usage_per_member_and_draft_metrics(client, admin):
    AISettingsFactory(organization=admin.organization, monthly_token_budget=50000)
    UsageFactory(organization=admin.organization, user=admin.user, prompt_tokens=1200)
    UsageFactory(organization=admin.organization, user=None, prompt_tokens=300)
    DraftFactory(organization=admin.organization, status=Draft.Status.SENT, edit_distance=4)
    DraftFactory(organization=admin.organization, status=Draft.Status.REJECTED)
    UsageFactory(prompt_tokens=999_999)  # another organization's
    client.force_login(admin.user)

    html = client.get(URL).content.decode()

    assert "1700" in html  # 1200+100 and 300+100 tokens
    assert "of 50000" in html
    assert "Automatic" in html
    assert "50%" in html  # one sent of two decided
    assert "999999" not in html and "1000099" not in html
