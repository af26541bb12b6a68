"""The draft card above the inbox composer: generate, approve (edited), reject with a reason,
regenerate with an instruction, retry a failure — each answering with the card — plus who sees
it and org isolation of its URLs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Draft
from agents.tests.factories import DraftFactory
from messaging.models import Message
from messaging.tests import updates
from messaging.tests.conftest import connected, deliver  # noqa: F401  (fixtures)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def chat(connected, deliver):  # noqa: F811
    deliver(connected.bot, updates.update(text="Hi! What does it cost for a team of 5?"))
    return Message.objects.get().chat


@pytest.fixture
def owner_client(client, connected):  # noqa: F811
    client.force_login(connected.owner.user)
    return client


def card(client, chat) -> str:
    response = client.get(reverse("agents:draft_card", args=[chat.pk]), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_the_inbox_shows_the_empty_card_and_the_composer_button(owner_client, chat):
    page = owner_client.get(reverse("messaging:inbox_chat", args=[chat.pk])).content.decode()

    assert 'id="ai-draft"' in page
    assert "Draft a reply" in page
    assert "data-draft-generate" in page and 'aria-keyshortcuts="Alt+D"' in page
    assert "Built-in drafter (template-based, not an AI model)" in page


def test_a_viewer_sees_no_draft_card_and_may_not_fetch_it(client, connected, chat, make_member):  # noqa: F811
    viewer = make_member("viewer", organization=connected.owner.organization)
    client.force_login(viewer.user)

    page = client.get(reverse("messaging:inbox_chat", args=[chat.pk])).content.decode()

    assert 'id="ai-draft"' not in page
    assert "data-draft-generate" not in page
    assert client.get(reverse("agents:draft_card", args=[chat.pk])).status_code == 403


def test_generate_answers_pending_then_the_card_shows_the_ready_draft(
    owner_client, chat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("agents:draft_generate", args=[chat.pk]), **HTMX)
    assert "Drafting…" in response.content.decode()

    draft = Draft.objects.get(chat=chat)
    assert draft.status == Draft.Status.READY
    html = card(owner_client, chat)
    assert 'data-status="ready"' in html
    assert "Approve &amp; send" in html
    assert reverse("agents:draft_why", args=[draft.pk]) in html


def test_approve_sends_the_edited_text_and_empties_the_card(
    owner_client,
    connected,  # noqa: F811
    chat,
    django_capture_on_commit_callbacks,
):
    draft = DraftFactory(organization=chat.organization, chat=chat, text="Hello, it costs 50.")

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("agents:draft_approve", args=[draft.pk]),
            {"text": "Hello Anna, it costs 50 EUR a seat."},
            **HTMX,
        )

    assert 'data-status="none"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.SENT
    assert draft.final_text == "Hello Anna, it costs 50 EUR a seat."
    sent = [call.params["text"] for call in connected.telegram.calls("sendMessage")]
    assert sent == ["Hello Anna, it costs 50 EUR a seat."]


def test_reject_takes_the_quick_reason_or_the_free_text(owner_client, chat):
    first = DraftFactory(organization=chat.organization, chat=chat)
    owner_client.post(
        reverse("agents:draft_reject", args=[first.pk]), {"quick": "Wrong tone"}, **HTMX
    )
    second = DraftFactory(organization=chat.organization, chat=chat)
    owner_client.post(
        reverse("agents:draft_reject", args=[second.pk]),
        {"quick": "Wrong tone", "reason": "Mentions a discount we do not give"},
        **HTMX,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reject_reason) == ("rejected", "Wrong tone")
    assert second.reject_reason == "Mentions a discount we do not give"


def test_reject_without_a_reason_says_so_on_the_card(owner_client, chat):
    draft = DraftFactory(organization=chat.organization, chat=chat)

    response = owner_client.post(reverse("agents:draft_reject", args=[draft.pk]), {}, **HTMX)

    assert 'class="draft-card-error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY


def test_regenerate_with_a_chip_and_words_makes_a_new_draft_with_both(owner_client, chat):
    draft = DraftFactory(organization=chat.organization, chat=chat)

    response = owner_client.post(
        reverse("agents:draft_regenerate", args=[draft.pk]),
        {"chip": "Shorter", "instruction": "mention the demo"},
        **HTMX,
    )

    assert response.status_code == 200
    newest = Draft.objects.filter(chat=chat).exclude(pk=draft.pk).get()
    assert newest.instruction == "Shorter; mention the demo"
    assert newest.parent == draft
    draft.refresh_from_db()
    assert draft.status == Draft.Status.SUPERSEDED


def test_a_failed_draft_shows_its_reason_and_retry_makes_a_new_one(owner_client, chat):
    failed = DraftFactory(
        organization=chat.organization,
        chat=chat,
        status=Draft.Status.FAILED,
        text="",
        failure_reason="The AI provider did not answer within 30 seconds.",
    )
    html = card(owner_client, chat)
    assert "did not answer within 30 seconds" in html
    assert reverse("agents:draft_retry", args=[failed.pk]) in html

    owner_client.post(reverse("agents:draft_retry", args=[failed.pk]), **HTMX)

    assert Draft.objects.filter(chat=chat, parent=failed).exists()


def test_approving_an_already_sent_draft_is_refused_on_the_card(owner_client, chat):
    draft = DraftFactory(organization=chat.organization, chat=chat, status=Draft.Status.SENT)

    response = owner_client.post(
        reverse("agents:draft_approve", args=[draft.pk]), {"text": "again"}, **HTMX
    )

    assert "only a ready draft" in response.content.decode()


def test_an_openai_draft_is_labelled_with_its_model(owner_client, chat):
    DraftFactory(organization=chat.organization, chat=chat, provider="openai", model="gpt-4o-mini")

    assert "AI draft · gpt-4o-mini" in card(owner_client, chat)


def test_without_htmx_an_action_returns_to_the_chat(owner_client, chat):
    draft = DraftFactory(organization=chat.organization, chat=chat)

    response = owner_client.post(
        reverse("agents:draft_reject", args=[draft.pk]), {"quick": "Not needed"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:inbox_chat", args=[chat.pk])


@pytest.mark.parametrize(
    "name", ["draft_approve", "draft_reject", "draft_regenerate", "draft_retry"]
)
def test_draft_actions_on_another_organizations_draft_are_not_found(owner_client, name):
    other = DraftFactory()

    response = owner_client.post(
        reverse(f"agents:{name}", args=[other.pk]), {"text": "x", "quick": "x"}
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Draft.Status.READY


def test_the_card_and_generate_of_another_organizations_chat_are_not_found(owner_client):
    other = DraftFactory()

    assert owner_client.get(reverse("agents:draft_card", args=[other.chat_id])).status_code == 404
    response = owner_client.post(reverse("agents:draft_generate", args=[other.chat_id]))
    assert response.status_code == 404
    assert Draft.objects.filter(chat_id=other.chat_id).count() == 1
