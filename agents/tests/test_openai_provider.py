"""OpenAIProvider drives the real ``openai`` SDK against tests/fakes/openai.py: completions,
streaming, embeddings, and every provider failure mapped to a readable ``LLMError``."""

from __future__ import annotations

import itertools
import time

import pytest

from agents.llm import CompletionRequest, LLMError, PromptMessage
from agents.providers.openai import OpenAIProvider, openai_client, retry_after_seconds
from tests.fakes.openai import fake_embedding

QUESTION = [
    PromptMessage("system", "You write replies for a sales team."),
    PromptMessage("user", "What does the team plan cost?"),
]


@pytest.fixture
def provider(fake_openai) -> OpenAIProvider:
    return OpenAIProvider(base_url=fake_openai.url, api_key=fake_openai.api_key, model="gpt-4o")


def test_completion_returns_the_model_reply_and_reported_usage(provider, fake_openai):
    fake_openai.respond_with("The team plan is 12 EUR a seat.")

    completion = provider.complete(CompletionRequest(messages=QUESTION, max_tokens=123))

    assert completion.text == "The team plan is 12 EUR a seat."
    assert completion.model == "gpt-4o"
    assert completion.finish_reason == "stop"
    assert completion.usage.completion_tokens == 8
    assert completion.usage.prompt_tokens > 0
    sent = fake_openai.requests("/v1/chat/completions")[0]
    assert sent.headers["authorization"] == f"Bearer {fake_openai.api_key}"
    assert sent.json["messages"][1] == {"role": "user", "content": "What does the team plan cost?"}
    assert sent.json["max_tokens"] == 123
    assert "stream" not in sent.json


def test_default_fake_reply_quotes_the_last_user_message(provider):
    completion = provider.complete(CompletionRequest(messages=QUESTION))

    assert "What does the team plan cost?" in completion.text


def test_streaming_calls_on_delta_with_the_text_so_far_and_keeps_usage(provider, fake_openai):
    fake_openai.respond_with("Sure, the team plan is 12 EUR a seat.")
    seen: list[str] = []

    completion = provider.complete(CompletionRequest(messages=QUESTION, on_delta=seen.append))

    assert completion.text == "Sure, the team plan is 12 EUR a seat."
    assert len(seen) == 9
    assert seen[0] == "Sure, "
    assert seen[-1] == completion.text
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(seen))
    assert completion.usage.completion_tokens > 0 and completion.usage.prompt_tokens > 0
    sent = fake_openai.requests("/v1/chat/completions")[0].json
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}


def test_responder_callable_sees_the_request(provider, fake_openai):
    fake_openai.respond_with(lambda body: f"{len(body['messages'])} messages")

    assert provider.complete(CompletionRequest(messages=QUESTION)).text == "2 messages"


def test_embeddings_come_back_in_order_with_usage(fake_openai):
    provider = OpenAIProvider(
        base_url=fake_openai.url,
        api_key=fake_openai.api_key,
        model="gpt-4o-mini",
        embedding_model="text-embedding-3-small",
    )

    embeddings = provider.embed(["first note", "second note"])

    assert embeddings.vectors[0] == pytest.approx(fake_embedding("first note"))
    assert embeddings.vectors[1] == pytest.approx(fake_embedding("second note"))
    assert embeddings.model == "text-embedding-3-small"
    assert embeddings.usage.prompt_tokens > 0
    assert fake_openai.requests("/v1/embeddings")[0].json["encoding_format"] == "float"


def test_embedding_nothing_makes_no_request(provider, fake_openai):
    assert provider.embed([]).vectors == []
    assert fake_openai.requests("/v1/embeddings") == []


def test_a_wrong_key_is_an_auth_error_that_never_shows_the_key(fake_openai, caplog):
    provider = OpenAIProvider(base_url=fake_openai.url, api_key="sk-wrong-secret", model="m")

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "auth"
    assert error.value.reason == "The AI provider refused the API key"
    assert "sk-wrong-secret" not in caplog.text
    assert "sk-wrong-secret" not in repr(provider)


def test_forbidden_is_an_auth_error(provider, fake_openai):
    fake_openai.fail_next(403)

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "auth"


def test_rate_limit_carries_retry_after_from_the_header(provider, fake_openai):
    fake_openai.fail_next(429, retry_after=7)

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "rate_limited"
    assert error.value.retry_after == 7
    assert "try again in 7 s" in error.value.reason


def test_rate_limit_without_header_has_no_retry_after(provider, fake_openai):
    fake_openai.fail_next(429)

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "rate_limited"
    assert error.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailable(provider, fake_openai, status):
    fake_openai.fail_next(status)

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "unavailable"
    assert error.value.reason == f"The AI provider is unavailable (HTTP {status})"


def test_the_sdk_does_not_retry_on_its_own(provider, fake_openai):
    fake_openai.fail_next(503)

    with pytest.raises(LLMError):
        provider.complete(CompletionRequest(messages=QUESTION))

    assert len(fake_openai.requests("/v1/chat/completions")) == 1


def test_an_unreachable_server_is_unavailable():
    provider = OpenAIProvider(base_url="http://127.0.0.1:9/v1", api_key="sk-x", model="m")

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "unavailable"
    assert error.value.reason == "The AI provider could not be reached"


def test_a_bad_request_quotes_the_provider_message(provider, fake_openai):
    fake_openai.fail_next(400, message="This model's maximum context length is 8192 tokens.")

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "bad_request"
    assert "maximum context length is 8192 tokens" in error.value.reason


def test_max_completion_tokens_is_sent_when_the_model_asks_for_it(provider, fake_openai):
    fake_openai.fail_next(
        400, message="Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead."
    )

    completion = provider.complete(CompletionRequest(messages=QUESTION, max_tokens=50))

    assert completion.text
    retried = fake_openai.requests("/v1/chat/completions")[1].json
    assert retried["max_completion_tokens"] == 50
    assert "max_tokens" not in retried


def test_an_empty_answer_is_an_error(provider, fake_openai):
    fake_openai.respond_with("   ")

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION))

    assert error.value.code == "empty"


def test_an_empty_streamed_answer_is_an_error(provider, fake_openai):
    fake_openai.respond_with("")

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION, on_delta=lambda text: None))

    assert error.value.code == "empty"


def test_a_slow_provider_times_out_with_a_readable_reason(provider, fake_openai):
    fake_openai.delay_next(2)
    started = time.monotonic()

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION, timeout=0.3))

    assert error.value.code == "timeout"
    assert error.value.reason == "The AI provider took longer than 0.3 s"
    assert time.monotonic() - started < 1.5


def test_a_stream_that_stalls_times_out(provider, fake_openai):
    fake_openai.slow_stream(1.0)

    with pytest.raises(LLMError) as error:
        provider.complete(
            CompletionRequest(messages=QUESTION, timeout=0.3, on_delta=lambda text: None)
        )

    assert error.value.code == "timeout"


def test_a_stream_slower_in_total_than_the_timeout_is_cut(provider, fake_openai):
    fake_openai.respond_with("one two three four five six seven eight")
    fake_openai.slow_stream(0.15)
    seen: list[str] = []

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION, timeout=0.5, on_delta=seen.append))

    assert error.value.code == "timeout"
    assert 0 < len(seen) < 8


def test_the_provider_timeout_caps_the_request_timeout(fake_openai):
    provider = OpenAIProvider(
        base_url=fake_openai.url, api_key=fake_openai.api_key, model="m", timeout=0.3
    )
    fake_openai.delay_next(2)

    with pytest.raises(LLMError) as error:
        provider.complete(CompletionRequest(messages=QUESTION, timeout=30))

    assert error.value.code == "timeout"


def test_clients_are_reused_per_base_url_and_key(fake_openai):
    first = openai_client(fake_openai.url, "sk-a")

    assert openai_client(fake_openai.url, "sk-a") is first
    assert openai_client(fake_openai.url, "sk-b") is not first
    assert openai_client("http://127.0.0.1:9/v1", "sk-a") is not first


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_seconds_or_milliseconds(headers, expected):
    assert retry_after_seconds(headers) == expected


def test_retry_after_reads_an_http_date():
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))

    assert 55 <= retry_after_seconds({"retry-after": when}) <= 61


def test_the_fake_lists_its_models_to_the_sdk(fake_openai):
    models = openai_client(fake_openai.url, fake_openai.api_key).models.list()

    assert "gpt-4o-mini" in [model.id for model in models]
