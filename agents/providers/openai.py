"""``OpenAIProvider``: chat completions and embeddings on the official ``openai`` SDK.

Any OpenAI-compatible server works (OpenAI, Azure-compatible gateways, vLLM, Ollama): only the
``base_url`` changes. The SDK's own retries are off (``max_retries=0``): a draft that fails is
shown as failed with a retry button, and the caller decides about retrying — a hidden retry
loop would only make the inbox wait longer.

Clients are cached per process and (base URL, key) — building one costs an SSL context and a
new connection pool, as for Telegram bots (messaging/telegram/client.py). The cache is keyed by
a digest of the key, bounded, and the key never appears in logs or error reasons.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import httpx
import openai

from agents.llm import Completion, CompletionRequest, Embeddings, LLMError, TokenUsage

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Open clients kept per process; beyond it the least recently used one is closed.
MAX_CLIENTS = 32
# Longest provider message quoted in a "bad request" reason.
MAX_DETAIL_CHARS = 200

_clients: OrderedDict[tuple[int, str, str], openai.OpenAI] = OrderedDict()
_clients_lock = threading.Lock()


def openai_client(base_url: str, api_key: str) -> openai.OpenAI:
    """The cached SDK client for (``base_url``, ``api_key``) in this process."""
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    cache_key = (os.getpid(), base_url, digest)
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is not None:
            _clients.move_to_end(cache_key)
            return client
        client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key,
            max_retries=0,
            timeout=60.0,
        )
        _clients[cache_key] = client
        while len(_clients) > MAX_CLIENTS:
            _, evicted = _clients.popitem(last=False)
            evicted.close()
        return client


class OpenAIProvider:
    """A provider on an OpenAI-compatible API (see the module docstring)."""

    name = "openai"
    is_language_model = True

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str = "",
        embedding_model: str = "text-embedding-3-small",
        timeout: float = 30.0,
    ) -> None:
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.model = model
        self.embedding_model = embedding_model
        self.timeout = float(timeout)
        self._api_key = api_key

    def __repr__(self) -> str:  # never the key
        return f"OpenAIProvider(base_url={self.base_url!r}, model={self.model!r})"

    # --- chat completions ---------------------------------------------------------------------

    def complete(self, request: CompletionRequest) -> Completion:
        """One chat completion; streamed (``on_delta`` called with the text so far) when the
        request has ``on_delta``. Waits at most the shorter of the request's and the provider's
        timeout. Raises ``LLMError`` only."""
        timeout = min(request.timeout, self.timeout)
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
        }
        try:
            try:
                return self._complete(params, request, timeout)
            except openai.BadRequestError as error:
                # Newer OpenAI models take only ``max_completion_tokens``; most compatible
                # servers only ``max_tokens``. Send the common one, switch when told to.
                if "max_completion_tokens" not in str(error):
                    raise
                params["max_completion_tokens"] = params.pop("max_tokens")
                return self._complete(params, request, timeout)
        except openai.OpenAIError as error:
            raise self._llm_error(error, timeout) from None
        except httpx.TimeoutException:
            # A stream that stalls between chunks: httpx raises while the SDK iterates.
            raise LLMError(self._timeout_reason(timeout), code="timeout") from None
        except httpx.HTTPError:
            raise LLMError("The AI provider broke off the answer", code="unavailable") from None

    def _complete(
        self, params: dict[str, Any], request: CompletionRequest, timeout: float
    ) -> Completion:
        client = openai_client(self.base_url, self._api_key)
        if request.on_delta is None:
            response = client.chat.completions.create(**params, timeout=timeout)
            choice = response.choices[0] if response.choices else None
            text = ((choice.message.content if choice else None) or "").strip()
            usage = TokenUsage(
                prompt_tokens=response.usage.prompt_tokens if response.usage else 0,
                completion_tokens=response.usage.completion_tokens if response.usage else 0,
            )
            finish_reason = (choice.finish_reason if choice else None) or "stop"
            return self._completion(text, usage, response.model or self.model, finish_reason)
        return self._stream(client, params, request, timeout)

    def _stream(
        self,
        client: openai.OpenAI,
        params: dict[str, Any],
        request: CompletionRequest,
        timeout: float,
    ) -> Completion:
        deadline = time.monotonic() + timeout
        parts: list[str] = []
        usage = TokenUsage()
        model = self.model
        finish_reason = "stop"
        stream = client.chat.completions.create(
            **params, stream=True, stream_options={"include_usage": True}, timeout=timeout
        )
        with stream:
            for chunk in stream:
                # The read timeout bounds each wait; this bounds a slow trickle of chunks.
                if time.monotonic() > deadline:
                    raise LLMError(self._timeout_reason(timeout), code="timeout")
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = TokenUsage(
                        prompt_tokens=chunk.usage.prompt_tokens,
                        completion_tokens=chunk.usage.completion_tokens,
                    )
                for choice in chunk.choices:
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
                    if choice.delta and choice.delta.content:
                        parts.append(choice.delta.content)
                        request.on_delta("".join(parts))  # type: ignore[misc]
        return self._completion("".join(parts).strip(), usage, model, finish_reason)

    def _completion(
        self, text: str, usage: TokenUsage, model: str, finish_reason: str
    ) -> Completion:
        if not text:
            raise LLMError(
                "The AI provider returned an empty reply"
                + (" (blocked by its content filter)" if finish_reason == "content_filter" else ""),
                code="empty",
            )
        return Completion(text=text, usage=usage, model=model, finish_reason=finish_reason)

    # --- embeddings ---------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> Embeddings:
        """Embedding vectors of ``texts`` (in order) with the provider's embedding model."""
        if not texts:
            return Embeddings(vectors=[], model=self.embedding_model)
        client = openai_client(self.base_url, self._api_key)
        try:
            response = client.embeddings.create(
                model=self.embedding_model,
                input=list(texts),
                # Floats, not the SDK's default base64: not every compatible server has it.
                encoding_format="float",
                timeout=self.timeout,
            )
        except openai.OpenAIError as error:
            raise self._llm_error(error, self.timeout) from None
        vectors = [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
        if len(vectors) != len(texts):
            raise LLMError("The AI provider returned too few embeddings", code="empty")
        prompt_tokens = response.usage.prompt_tokens if response.usage else 0
        return Embeddings(
            vectors=vectors,
            usage=TokenUsage(prompt_tokens=prompt_tokens),
            model=response.model or self.embedding_model,
        )

    # --- errors -------------------------------------------------------------------------------

    def _timeout_reason(self, timeout: float) -> str:
        return f"The AI provider took longer than {timeout:g} s"

    def _llm_error(self, error: openai.OpenAIError, timeout: float) -> LLMError:
        """The SDK error as an ``LLMError`` a member can read (and log it, without the key)."""
        status = getattr(error, "status_code", None)
        logger.warning(
            "AI provider call failed",
            extra={
                "base_url": self.base_url,
                "model": self.model,
                "status": status,
                "error": type(error).__name__,
            },
        )
        if isinstance(error, openai.APITimeoutError):
            return LLMError(self._timeout_reason(timeout), code="timeout")
        if isinstance(error, openai.APIConnectionError):
            return LLMError("The AI provider could not be reached", code="unavailable")
        if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMError("The AI provider refused the API key", code="auth")
        if isinstance(error, openai.RateLimitError):
            retry_after = retry_after_seconds(error.response.headers)
            reason = "The AI provider is rate limiting requests"
            if _error_code(error) == "insufficient_quota":
                reason = "The AI provider account has run out of quota"
            if retry_after is not None:
                reason += f"; try again in {max(1, round(retry_after))} s"
            return LLMError(reason, code="rate_limited", retry_after=retry_after)
        if isinstance(error, openai.APIStatusError) and status is not None and status >= 500:
            return LLMError(f"The AI provider is unavailable (HTTP {status})", code="unavailable")
        if isinstance(error, openai.APIStatusError) and status in (400, 404, 413, 422):
            detail = self._detail(error)
            return LLMError(
                "The AI provider rejected the request" + (f": {detail}" if detail else ""),
                code="bad_request",
            )
        if isinstance(error, openai.APIStatusError):
            return LLMError(f"The AI provider answered HTTP {status}", code="unavailable")
        return LLMError("The AI provider returned an answer we could not read", code="unavailable")

    def _detail(self, error: openai.APIStatusError) -> str:
        body = error.body
        message = body.get("message") if isinstance(body, dict) else None
        detail = str(message or "").replace(self._api_key, "***") if self._api_key else ""
        detail = detail or str(message or "")
        return detail[:MAX_DETAIL_CHARS]


def _error_code(error: openai.APIStatusError) -> str:
    body = error.body
    return str(body.get("code") or "") if isinstance(body, dict) else ""


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``."""
    if value := headers.get("retry-after-ms"):
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
