"""A provider that times out, rate-limits, errors or refuses the key: the draft fails with a
reason a member can read (the fake OpenAI server, through the real SDK), and can be retried."""

from __future__ import annotations

from agents.models import Draft, Usage
from agents.tests.drafting import ready_draft, use_openai
from automation.models import Event


def test_a_provider_timeout_fails_the_draft_with_a_reason(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization, request_timeout=1)
    fake_openai.delay_next(3)

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.status == Draft.Status.FAILED
    assert "took longer" in draft.failure_reason or "time" in draft.failure_reason.lower()
    assert Event.objects.get(name="draft.failed").payload["draft"]["failure_reason"]
    assert not Usage.objects.exists()  # no answer, nothing metered


def test_a_provider_rate_limit_says_when_to_try_again(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization)
    fake_openai.fail_next(429, retry_after=7)

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.status == Draft.Status.FAILED
    assert "rate limit" in draft.failure_reason
    assert draft.failure_reason.count("try again in 7 s") == 1


def test_a_provider_server_error_fails_the_draft(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization)
    fake_openai.fail_next(500)

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.status == Draft.Status.FAILED
    assert "unavailable" in draft.failure_reason
    assert "500" in draft.failure_reason


def test_an_invalid_api_key_fails_the_draft(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization, base_url=fake_openai.url, api_key="sk-not-a-known-key")

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.status == Draft.Status.FAILED
    assert "API key" in draft.failure_reason
