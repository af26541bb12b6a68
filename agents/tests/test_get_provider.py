"""get_provider: the organization's choice, instance-wide defaults, the offline fallback."""

from __future__ import annotations

import pytest

from agents.llm import get_provider
from agents.providers.local import LocalProvider
from agents.providers.openai import DEFAULT_BASE_URL, OpenAIProvider
from agents.tests.factories import AISettingsFactory

pytestmark = pytest.mark.django_db


def test_an_organization_without_settings_gets_the_local_provider(make_member):
    assert isinstance(get_provider(make_member().organization), LocalProvider)


def test_openai_with_the_organizations_key_uses_its_server_and_model(make_member, settings):
    settings.AI_OPENAI_API_KEY = "sk-instance"
    ai = AISettingsFactory(
        organization=make_member().organization,
        provider="openai",
        api_key="sk-org",
        base_url="https://llm.example.com/v1/",
        model="llama-3.1-70b",
        request_timeout=12,
    )

    provider = get_provider(ai.organization)

    assert isinstance(provider, OpenAIProvider)
    assert (provider.base_url, provider.model, provider.timeout) == (
        "https://llm.example.com/v1",
        "llama-3.1-70b",
        12.0,
    )
    assert provider._api_key == "sk-org"


def test_a_blank_base_url_means_openai(make_member):
    ai = AISettingsFactory(organization=make_member().organization, provider="openai", api_key="k")

    assert get_provider(ai.organization).base_url == DEFAULT_BASE_URL


def test_openai_without_a_key_uses_the_instance_server_never_the_orgs_url(make_member, settings):
    settings.AI_OPENAI_BASE_URL = "https://gateway.internal/v1"
    settings.AI_OPENAI_API_KEY = "sk-instance"
    settings.AI_MODEL = "gpt-4o"
    ai = AISettingsFactory(
        organization=make_member().organization,
        provider="openai",
        base_url="https://attacker.example.com/v1",
    )

    provider = get_provider(ai.organization)

    assert isinstance(provider, OpenAIProvider)
    assert provider.base_url == "https://gateway.internal/v1"
    assert provider.model == "gpt-4o"
    assert provider._api_key == "sk-instance"


def test_the_instance_key_uses_the_orgs_model_when_no_instance_model_is_set(make_member, settings):
    settings.AI_OPENAI_API_KEY = "sk-instance"
    settings.AI_MODEL = ""
    ai = AISettingsFactory(
        organization=make_member().organization, provider="openai", model="gpt-4.1-mini"
    )

    assert get_provider(ai.organization).model == "gpt-4.1-mini"


def test_openai_without_any_key_falls_back_to_the_local_provider(make_member, settings):
    settings.AI_OPENAI_API_KEY = ""
    ai = AISettingsFactory(organization=make_member().organization, provider="openai")

    assert isinstance(get_provider(ai.organization), LocalProvider)


def test_the_local_choice_wins_over_a_stored_key(make_member):
    ai = AISettingsFactory(
        organization=make_member().organization, provider="local", api_key="sk-org"
    )

    assert isinstance(get_provider(ai.organization), LocalProvider)


def test_the_fake_openai_fixture_serves_keyless_openai_organizations(make_member, fake_openai):
    from agents.llm import CompletionRequest, PromptMessage

    ai = AISettingsFactory(organization=make_member().organization, provider="openai")

    completion = get_provider(ai.organization).complete(
        CompletionRequest(messages=[PromptMessage("user", "Ping")])
    )

    assert "Ping" in completion.text
    assert len(fake_openai.requests("/v1/chat/completions")) == 1
