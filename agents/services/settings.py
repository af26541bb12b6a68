"""Changing an organization's AI settings and which channels auto-send (``ai.manage``).

Every field is validated here, once, for the API and the web form alike; a bad value answers
with the field's error and nothing is saved. The API key is write-only: absent or blank keeps
the stored key, ``clear_api_key`` removes it, and no read ever returns it (``has_api_key``).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.errors import NotFound, ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from agents.models import AISettings, AutoSendChannel
from automation.events import emit
from messaging.models import TelegramBot

MAX_LIST_ITEMS = 100
MAX_PHRASE = 100
MAX_TONE_INSTRUCTIONS = 2000
MAX_PER_MINUTE = 10_000
MAX_TOKEN_BUDGET = 2_000_000_000  # PositiveIntegerField's range, with room

# "gpt-4o-mini", "llama3.1:8b", "meta-llama/Llama-3-8B-Instruct", "my-deployment@2024"…
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,99}$")
_LANGUAGE = re.compile(r"^(auto|[a-z]{2}(-[A-Za-z]{2})?)$")
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no", ""}

# The fields a member sets, in the order the form shows them (api_key handled apart).
EDITABLE_FIELDS = [
    "provider",
    "base_url",
    "model",
    "embedding_model",
    "request_timeout",
    "auto_draft",
    "stage_suggestions",
    "language",
    "context_messages",
    "context_token_budget",
    "formality",
    "tone_instructions",
    "forbidden_phrases",
    "required_disclaimer",
    "banned_topics",
    "monthly_token_budget",
    "org_drafts_per_minute",
    "user_drafts_per_minute",
]


class _Errors(Exception):
    """One field's problem, collected so every field's error is reported at once."""


def _choice(value: Any, choices: type[AISettings.Provider] | type[AISettings.Formality]) -> str:
    value = str(value or "").strip().lower()
    if value not in choices.values:
        raise _Errors(f"Choose one of: {', '.join(choices.values)}.")
    return value


def _url(value: Any) -> str:
    value = str(value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError as error:
        raise _Errors("Enter a full http:// or https:// address.") from error
    if len(value) > 200:
        raise _Errors("Keep the address under 200 characters.")
    return value.rstrip("/")


def _model_name(value: Any) -> str:
    value = str(value or "").strip()
    if not _MODEL_NAME.match(value):
        raise _Errors(
            "Enter the model's name as the provider spells it, e.g. gpt-4o-mini "
            "(letters, digits and . _ : / @ + -, up to 100)."
        )
    return value


def _integer(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _Errors("Enter a whole number.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as error:
        raise _Errors("Enter a whole number.") from error
    if not low <= number <= high:
        raise _Errors(f"Enter a number from {low:,} to {high:,}.")
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Errors("Enter true or false.")


def _text(value: Any, limit: int) -> str:
    value = str(value or "").strip()
    if len(value) > limit:
        raise _Errors(f"Keep it under {limit} characters.")
    return value


def _phrases(value: Any) -> list[str]:
    """A list, or text with one entry a line; blanks dropped, duplicates (any case) merged."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.splitlines()
    elif isinstance(value, list | tuple):
        if not all(isinstance(item, str) for item in value):
            raise _Errors("Enter a list of texts.")
        items = list(value)
    else:
        raise _Errors("Enter a list, or text with one entry a line.")
    cleaned: list[str] = []
    seen: set[str] = set()
    for item in items:
        item = " ".join(item.split())
        if not item or item.casefold() in seen:
            continue
        if len(item) > MAX_PHRASE:
            raise _Errors(f"Keep each entry under {MAX_PHRASE} characters: “{item[:30]}…”.")
        seen.add(item.casefold())
        cleaned.append(item)
    if len(cleaned) > MAX_LIST_ITEMS:
        raise _Errors(f"At most {MAX_LIST_ITEMS} entries.")
    return cleaned


def _language(value: Any) -> str:
    value = str(value or "").strip()
    if value.lower() == "auto" or len(value) == 2:
        value = value.lower()
    if not _LANGUAGE.match(value):
        raise _Errors("Enter auto or a two-letter language code such as en, de or ru.")
    return value


_CLEANERS: dict[str, Any] = {
    "provider": lambda v: _choice(v, AISettings.Provider),
    "base_url": _url,
    "model": _model_name,
    "embedding_model": _model_name,
    "request_timeout": lambda v: _integer(v, 1, 120),
    "auto_draft": _boolean,
    "stage_suggestions": _boolean,
    "language": _language,
    "context_messages": lambda v: _integer(v, 1, 500),
    "context_token_budget": lambda v: _integer(v, 200, 200_000),
    "formality": lambda v: _choice(v, AISettings.Formality),
    "tone_instructions": lambda v: _text(v, MAX_TONE_INSTRUCTIONS),
    "forbidden_phrases": _phrases,
    "required_disclaimer": lambda v: _text(v, 300),
    "banned_topics": _phrases,
    "monthly_token_budget": lambda v: _integer(v, 0, MAX_TOKEN_BUDGET),
    "org_drafts_per_minute": lambda v: _integer(v, 0, MAX_PER_MINUTE),
    "user_drafts_per_minute": lambda v: _integer(v, 0, MAX_PER_MINUTE),
}


def _clean(current: AISettings, data: dict[str, Any]) -> dict[str, Any]:
    """Validated values of the keys present in ``data``, or ValidationError naming each field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        try:
            cleaned[field] = _CLEANERS[field](data[field])
        except _Errors as error:
            errors[field] = [str(error)]
    new_key = str(data.get("api_key") or "").strip()
    clear_key = False
    try:
        clear_key = _boolean(data.get("clear_api_key", False))
    except _Errors as error:
        errors["clear_api_key"] = [str(error)]
    if new_key and clear_key:
        errors["api_key"] = ["Enter a new key or remove the stored one, not both."]
    elif len(new_key) > 500 or any(ch.isspace() for ch in new_key):
        errors["api_key"] = ["This does not look like an API key."]
    elif new_key:
        cleaned["api_key"] = new_key
    elif clear_key:
        cleaned["api_key"] = ""
    provider = cleaned.get("provider", current.provider)
    has_key = bool(cleaned.get("api_key", current.api_key))
    if (
        provider == AISettings.Provider.OPENAI
        and not has_key
        and not django_settings.AI_OPENAI_API_KEY
        and "provider" not in errors
    ):
        message = "Enter the API key of your OpenAI-compatible server."
        errors["api_key" if "provider" not in data else "provider"] = [message]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationError(first, fields=errors)
    return cleaned


@transaction.atomic
def ai_settings_update(*, organization: Organization, actor: User, data: dict) -> AISettings:
    """Validate and save the keys present in ``data`` (see ``EDITABLE_FIELDS``, plus the
    write-only ``api_key`` and the ``clear_api_key`` flag); absent keys keep their value.

    Creates the organization's row on first save. Emits ``ai_settings.updated`` with the names
    of the fields that changed (``api_key`` when the key changed, never its value)."""
    require_permission(organization, actor, "ai.manage")
    current, _ = AISettings.objects.select_for_update().get_or_create(organization=organization)
    cleaned = _clean(current, data)
    fields = [*EDITABLE_FIELDS, "api_key"]
    current, changed = model_update(instance=current, fields=fields, data=cleaned)
    if changed:
        current.updated_by = actor
        current.save(update_fields=["updated_by", "updated_at"])
        emit(organization, "ai_settings.updated", {"changed": changed}, actor)
        audit_record(
            action="ai_settings.updated",
            actor=actor,
            organization=organization,
            target=current,
            metadata={"changed": changed},
        )
    return current


@transaction.atomic
def auto_send_set(
    *, organization: Organization, actor: User, bot: TelegramBot, enabled: bool
) -> None:
    """Turn auto-send on or off for ``bot``: on, automatic drafts of its chats are sent without
    a member approving each one. Idempotent; a bot of another organization is not found."""
    require_permission(organization, actor, "ai.manage")
    if bot.organization_id != organization.pk:
        raise NotFound("Bot not found.")
    existing = AutoSendChannel.objects.filter(organization=organization, bot=bot)
    if enabled == existing.exists():
        return
    if enabled:
        AutoSendChannel.objects.create(
            organization=organization, bot=bot, enabled_by=actor, enabled_at=timezone.now()
        )
    else:
        existing.delete()
    emit(organization, "ai_settings.updated", {"changed": ["auto_send"]}, actor)
    audit_record(
        action="ai_auto_send.enabled" if enabled else "ai_auto_send.disabled",
        actor=actor,
        organization=organization,
        target=bot,
        metadata={"bot": bot.pk, "bot_name": bot.name},
    )
