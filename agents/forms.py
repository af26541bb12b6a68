"""Settings → AI as a form: shapes only (numbers, lengths, one phrase a line); the settings
service validates the rest and its field errors land next to these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.forms import DomainErrorForm
from agents.models import AISettings
from agents.services.settings import EDITABLE_FIELDS

LIST_FIELDS = ("forbidden_phrases", "banned_topics")
# Sent to ``ai_settings_update`` as they are; the key only when a new one was typed.
SETTINGS_FIELDS = list(EDITABLE_FIELDS)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class AISettingsForm(DomainErrorForm):
    provider = forms.ChoiceField(
        choices=[
            (AISettings.Provider.LOCAL, "Built-in drafter"),
            (AISettings.Provider.OPENAI, "OpenAI-compatible API"),
        ],
        widget=forms.RadioSelect,
        label="Drafter",
    )
    base_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Base URL",
        help_text="Empty for api.openai.com; e.g. http://localhost:11434/v1 for Ollama.",
        widget=forms.URLInput(attrs={"placeholder": "https://api.openai.com/v1"}),
    )
    api_key = forms.CharField(
        required=False,
        label="API key",
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    model = forms.CharField(max_length=100, label="Model")
    embedding_model = forms.CharField(
        max_length=100,
        label="Embedding model",
        help_text="For similarity search in agents' memory (a later release).",
    )
    request_timeout = forms.IntegerField(
        min_value=1, max_value=120, label="Timeout (seconds)", help_text="Per request."
    )
    auto_draft = forms.BooleanField(
        required=False, label="Draft a reply automatically when a prospect writes"
    )
    stage_suggestions = forms.BooleanField(
        required=False, label="Suggest the next deal stage after meaningful messages"
    )
    language = forms.CharField(
        max_length=16,
        label="Reply language",
        help_text="“auto” answers in the conversation's language; or a code such as en, de, ru.",
    )
    context_messages = forms.IntegerField(
        min_value=1, max_value=500, label="Messages of context", help_text="The newest ones."
    )
    context_token_budget = forms.IntegerField(
        min_value=200, max_value=200_000, label="Context token budget"
    )
    formality = forms.ChoiceField(choices=AISettings.Formality.choices, label="Formality")
    tone_instructions = forms.CharField(
        required=False,
        label="Tone instructions",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Friendly, concise, no emoji."}),
    )
    forbidden_phrases = forms.CharField(
        required=False,
        label="Forbidden phrases",
        help_text="One a line; removed from drafts.",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "guaranteed returns"}),
    )
    required_disclaimer = forms.CharField(
        required=False,
        max_length=300,
        label="Required disclaimer",
        help_text="Appended to every draft that lacks it.",
    )
    banned_topics = forms.CharField(
        required=False,
        label="Banned topics",
        help_text="One a line; a draft touching one fails instead of being shown.",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "politics"}),
    )
    monthly_token_budget = forms.IntegerField(
        min_value=0, label="Monthly token budget", help_text="0 means no limit."
    )
    org_drafts_per_minute = forms.IntegerField(
        min_value=0, label="Drafts a minute, whole team", help_text="0 means no limit."
    )
    user_drafts_per_minute = forms.IntegerField(
        min_value=0, label="Drafts a minute, per member", help_text="0 means no limit."
    )

    @classmethod
    def initial_from(cls, settings: AISettings) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
        for name in LIST_FIELDS:
            initial[name] = "\n".join(getattr(settings, name) or [])
        return initial

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as ``ai_settings_update`` takes them (lists for the rules)."""
        data = {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}
        for name in LIST_FIELDS:
            data[name] = _lines(data[name])
        if self.cleaned_data.get("api_key"):
            data["api_key"] = self.cleaned_data["api_key"]
        return data
