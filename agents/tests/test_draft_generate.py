"""Generating a draft: provenance for the "why" view, usage, events, idempotency, language."""

from __future__ import annotations

from agents.models import AISettings, Draft, Usage
from agents.selectors import current_draft
from agents.services.drafts import draft_generate, draft_request
from agents.tests.drafting import ready_draft, use_openai
from automation.models import Event
from messaging.tests import updates


def test_a_generated_draft_is_ready_with_its_provenance(
    chat, member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.status == Draft.Status.READY
    assert draft.text
    assert (draft.provider, draft.prompt_version) == ("local", "reply_draft/v1")
    assert [m["role"] for m in draft.prompt] == ["system", "user"]
    assert "What does it cost for a team of 5?" in draft.prompt[1]["content"]
    assert draft.context["lines"][-1]["text"] == "Hi! What does it cost for a team of 5?"
    assert draft.context["member_name"] == "Max Weber"
    assert draft.overhead_ms is not None and draft.model_ms is not None


def test_generation_records_usage_and_emits_draft_generated(
    chat, member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    usage = Usage.objects.get()
    assert (usage.draft, usage.user, usage.kind, usage.provider) == (
        draft,
        member.user,
        "draft",
        "local",
    )
    ready = Event.objects.get(name="draft.generated")
    assert ready.payload["draft"]["text"] == draft.text
    assert ready.payload["draft"]["is_language_model"] is False


def test_generating_a_draft_twice_changes_nothing(chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    again = draft_generate(draft_id=draft.pk)

    assert again.text == draft.text
    assert Usage.objects.count() == 1
    assert Event.objects.filter(name="draft.generated").count() == 1


def test_the_draft_is_written_in_the_conversations_language(
    connected, deliver, member, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="Здравствуйте! Сколько стоит лицензия на команду?"))
    chat = connected.bot.chats.get()

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.context["language"] == "ru"
    assert "Reply in Russian" in draft.prompt[0]["content"]


def test_the_organizations_language_setting_overrides_detection(
    chat, member, django_capture_on_commit_callbacks
):
    AISettings.objects.create(organization=chat.organization, language="de")

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.context["language"] == "de"
    assert "Reply in German" in draft.prompt[0]["content"]


def test_a_model_reply_on_a_banned_topic_fails_the_draft_and_still_counts_usage(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization, banned_topics=["crypto"])
    fake_openai.respond_with("We also accept crypto payments, of course.")

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.status == Draft.Status.FAILED
    assert "crypto" in draft.failure_reason
    assert draft.text == ""
    assert Usage.objects.get().draft == draft
    assert Event.objects.filter(name="draft.failed").exists()


def test_a_language_model_draft_stores_its_tokens_and_cost(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization)
    fake_openai.respond_with("For a team of 5 it is 250 EUR a month. Shall we book a demo?")

    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    assert draft.text == "For a team of 5 it is 250 EUR a month. Shall we book a demo?"
    assert draft.provider == "openai"
    assert draft.prompt_tokens > 0 and draft.completion_tokens > 0
    assert draft.cost_usd > 0
    assert draft.cost_usd == Usage.objects.get().cost_usd
    request = fake_openai.requests("/v1/chat/completions")[0].json
    assert request["messages"] == draft.prompt


def test_a_draft_finishing_after_a_newer_request_goes_straight_to_the_history(chat, member):
    older = draft_request(chat=chat, actor=member.user)
    newer = draft_request(chat=chat, actor=member.user)

    draft_generate(draft_id=newer.pk)
    draft_generate(draft_id=older.pk)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == (Draft.Status.SUPERSEDED, Draft.Status.READY)
    assert current_draft(chat.organization, chat) == newer
