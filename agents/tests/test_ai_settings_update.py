"""Changing the organization's AI settings (agents.services.settings.ai_settings_update)."""

from __future__ import annotations

import pytest

from accounts.errors import PermissionDenied, ValidationError
from agents.models import AISettings
from agents.selectors import ai_settings_get
from agents.services.settings import ai_settings_update
from automation.models import Event


def _update(member, **data) -> AISettings:
    return ai_settings_update(organization=member.organization, actor=member.user, data=data)


def test_admin_saves_tone_rules_and_limits(make_member):
    admin = make_member("admin")

    saved = _update(
        admin,
        formality="formal",
        forbidden_phrases="guarantee\n  \nrisk-free\nGUARANTEE",
        banned_topics=["politics", " religion "],
        required_disclaimer="Not financial advice.",
        monthly_token_budget=500_000,
        user_drafts_per_minute=5,
        request_timeout=45,
    )

    saved.refresh_from_db()
    assert saved.forbidden_phrases == ["guarantee", "risk-free"]
    assert saved.banned_topics == ["politics", "religion"]
    assert (saved.formality, saved.monthly_token_budget, saved.request_timeout) == (
        "formal",
        500_000,
        45,
    )
    assert saved.updated_by == admin.user


def test_every_bad_field_is_reported_and_nothing_saved(make_member):
    admin = make_member("admin")

    with pytest.raises(ValidationError) as refused:
        _update(
            admin,
            base_url="ftp://example.com",
            model="gpt 4o",
            request_timeout=121,
            monthly_token_budget=-1,
            formality="rude",
            language="english",
        )

    assert set(refused.value.fields) == {
        "base_url",
        "model",
        "request_timeout",
        "monthly_token_budget",
        "formality",
        "language",
    }
    assert not AISettings.objects.filter(organization=admin.organization, model="gpt 4o").exists()


def test_timeout_must_be_between_1_and_120_seconds(make_member):
    admin = make_member("admin")
    with pytest.raises(ValidationError, match="from 1 to 120"):
        _update(admin, request_timeout=0)

    assert _update(admin, request_timeout=120).request_timeout == 120


def test_api_key_is_kept_when_blank_and_removed_on_request(make_member):
    admin = make_member("admin")
    _update(admin, provider="openai", api_key="sk-first")

    _update(admin, api_key="", model="gpt-4o")
    assert ai_settings_get(admin.organization).api_key == "sk-first"

    _update(admin, provider="local", clear_api_key=True)
    assert ai_settings_get(admin.organization).api_key == ""


def test_openai_needs_a_key(make_member, settings):
    settings.AI_OPENAI_API_KEY = ""
    admin = make_member("admin")

    with pytest.raises(ValidationError) as refused:
        _update(admin, provider="openai")

    assert "provider" in refused.value.fields


def test_openai_may_use_the_instance_key(make_member, settings):
    settings.AI_OPENAI_API_KEY = "sk-instance"
    admin = make_member("admin")

    assert _update(admin, provider="openai").provider == "openai"


def test_removing_the_key_of_an_openai_organization_is_refused(make_member, settings):
    settings.AI_OPENAI_API_KEY = ""
    admin = make_member("admin")
    _update(admin, provider="openai", api_key="sk-first")

    with pytest.raises(ValidationError) as refused:
        _update(admin, clear_api_key=True)

    assert "api_key" in refused.value.fields


def test_a_change_emits_the_changed_field_names_never_the_key(make_member):
    admin = make_member("admin")

    _update(admin, api_key="sk-secret-value", auto_draft=True)

    event = Event.objects.get(organization=admin.organization, name="ai_settings.updated")
    assert sorted(event.payload["changed"]) == ["api_key", "auto_draft"]
    assert "sk-secret-value" not in str(event.payload)


def test_saving_the_same_values_emits_nothing(make_member):
    admin = make_member("admin")
    _update(admin, auto_draft=True)

    _update(admin, auto_draft=True)

    assert (
        Event.objects.filter(organization=admin.organization, name="ai_settings.updated").count()
        == 1
    )


def test_business_developer_cannot_change_settings(make_member):
    bidi = make_member("bidi")

    with pytest.raises(PermissionDenied):
        _update(bidi, auto_draft=True)
