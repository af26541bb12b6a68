"""The one interface to language models: chat completions (tools later) and embeddings.

``get_provider(organization)`` returns the organization's provider: ``OpenAIProvider`` (the
official ``openai`` SDK, any OpenAI-compatible ``base_url``) when configured with a key, else
the offline ``LocalProvider`` — deterministic, no network, and honest about not being a
language model (``is_language_model = False``; the UI labels its drafts).

Providers raise ``LLMError`` with a reason a member can read ("The AI provider took longer than
30 s") and a ``code`` callers branch on; they never raise SDK exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from accounts.models import Organization
    from agents.context import ReplyFacts

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class PromptMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class TokenUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class CompletionRequest:
    messages: Sequence[PromptMessage]
    # The same context as structured facts, for providers that do not read prose (LocalProvider).
    facts: ReplyFacts | None = None
    max_tokens: int = 400
    temperature: float = 0.4
    timeout: float = 30.0
    # Called with the text so far while a streamed completion arrives (None: no streaming).
    on_delta: Callable[[str], None] | None = None


@dataclass(frozen=True)
class Completion:
    text: str
    usage: TokenUsage
    model: str
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Embeddings:
    vectors: list[list[float]]
    usage: TokenUsage = field(default_factory=TokenUsage)
    model: str = ""


ErrorCode = Literal["timeout", "rate_limited", "unavailable", "auth", "bad_request", "empty"]


class LLMError(Exception):
    """A provider call that failed; ``reason`` is shown to members as is."""

    def __init__(self, reason: str, *, code: ErrorCode, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retry_after = retry_after


class Provider(Protocol):
    name: str  # "local" | "openai" — stored on drafts and usage rows
    model: str
    is_language_model: bool

    def complete(self, request: CompletionRequest) -> Completion: ...

    def embed(self, texts: Sequence[str]) -> Embeddings: ...


def get_provider(organization: Organization) -> Provider:
    """The organization's configured provider (see the module docstring).

    - provider "openai" with the organization's own key → its base URL (api.openai.com when
      blank), key and model;
    - provider "openai" without a key, when the instance has ``AI_OPENAI_API_KEY`` → the
      instance's server (``AI_OPENAI_BASE_URL``) and key, with ``AI_MODEL`` or else the
      organization's model. The organization's base URL is ignored then: the instance key only
      ever goes to the server the operator configured;
    - otherwise → ``LocalProvider``.
    """
    # Imported here: the providers import this module's types.
    from django.conf import settings as django_settings

    from agents.providers.local import LocalProvider
    from agents.selectors import ai_settings_get

    ai = ai_settings_get(organization)
    if ai.provider != "openai":
        return LocalProvider()
    # Only now: importing the openai SDK takes 1-2 s, which a worker that never drafts with it
    # (every organization on the offline drafter) should not pay on its first draft.
    from agents.providers.openai import OpenAIProvider

    common = {"embedding_model": ai.embedding_model, "timeout": float(ai.request_timeout)}
    if ai.api_key:
        return OpenAIProvider(base_url=ai.base_url, api_key=ai.api_key, model=ai.model, **common)
    if django_settings.AI_OPENAI_API_KEY:
        return OpenAIProvider(
            base_url=django_settings.AI_OPENAI_BASE_URL,
            api_key=django_settings.AI_OPENAI_API_KEY,
            model=django_settings.AI_MODEL or ai.model,
            **common,
        )
    return LocalProvider()
