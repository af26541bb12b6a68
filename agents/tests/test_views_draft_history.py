"""A chat's draft history (who asked, who decided, reasons, the edited marker with a word
diff and the final text) and one draft's "why" view — readable by every member, never across
organizations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Draft
from agents.tests.factories import DraftFactory
from agents.views.history import DiffPart, word_diff
from messaging.tests.factories import ChatFactory


@pytest.fixture
def member(make_member):
    return make_member("bidi", full_name="Bea Klein")


@pytest.fixture
def chat(member):
    return ChatFactory(organization=member.organization, bot__organization=member.organization)


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("It costs 50 a month.", "It costs 50 EUR a seat.") == [
        DiffPart("same", "It costs 50"),
        DiffPart("added", "EUR"),
        DiffPart("same", "a"),
        DiffPart("removed", "month."),
        DiffPart("added", "seat."),
    ]


def test_history_shows_every_draft_with_who_decided_and_why(client, member, chat):
    DraftFactory(
        organization=chat.organization,
        chat=chat,
        status=Draft.Status.SENT,
        text="It costs 50 a month.",
        final_text="It costs 50 EUR a seat.",
        edit_distance=9,
        requested_by=member.user,
        decided_by=member.user,
    )
    DraftFactory(
        organization=chat.organization,
        chat=chat,
        status=Draft.Status.REJECTED,
        reject_reason="Wrong tone",
        decided_by=member.user,
    )
    client.force_login(member.user)

    html = client.get(reverse("agents:chat_drafts", args=[chat.pk])).content.decode()

    assert "Approved and sent" in html and "Rejected" in html
    assert "Edited" in html
    assert "<ins>EUR</ins>" in html and "<del>month.</del>" in html
    assert "It costs 50 EUR a seat." in html
    assert "Wrong tone" in html
    assert "Bea Klein" in html


def test_a_draft_sent_unchanged_has_no_edited_marker(client, member, chat):
    DraftFactory(
        organization=chat.organization,
        chat=chat,
        status=Draft.Status.SENT,
        text="Sure!",
        final_text="Sure!",
    )
    client.force_login(member.user)

    html = client.get(reverse("agents:chat_drafts", args=[chat.pk])).content.decode()

    assert "Sent as proposed" in html
    assert "draft-edited-badge" not in html


def test_a_viewer_reads_the_history_and_the_why(client, make_member, chat):
    viewer = make_member("viewer", organization=chat.organization)
    draft = DraftFactory(organization=chat.organization, chat=chat)
    client.force_login(viewer.user)

    assert client.get(reverse("agents:chat_drafts", args=[chat.pk])).status_code == 200
    assert client.get(reverse("agents:draft_why", args=[draft.pk])).status_code == 200


def test_why_shows_the_prompt_facts_guardrails_and_costs(client, member, chat):
    draft = DraftFactory(
        organization=chat.organization,
        chat=chat,
        provider="openai",
        model="gpt-4o-mini",
        prompt_version="reply-v3",
        prompt=[
            {"role": "system", "content": "You write replies for Acme."},
            {"role": "user", "content": "Anna: what does it cost?"},
        ],
        context={"contact": {"name": "Anna Petrova"}, "language": "en"},
        guardrail_notes=["Removed the forbidden phrase “guaranteed”."],
        prompt_tokens=812,
        completion_tokens=64,
        cost_usd="0.000160",
        overhead_ms=12,
        model_ms=840,
    )
    client.force_login(member.user)

    html = client.get(reverse("agents:draft_why", args=[draft.pk])).content.decode()

    for expected in (
        "reply-v3",
        "AI draft · gpt-4o-mini",
        "You write replies for Acme.",
        "Anna Petrova",
        "forbidden phrase",
        "812 prompt + 64 completion = 876",
        "$0.0002",
        "12 ms context",
        "840 ms model",
    ):
        assert expected in html, expected


def test_why_of_the_builtin_drafter_says_no_language_model_was_called(client, member, chat):
    draft = DraftFactory(organization=chat.organization, chat=chat, provider="local")
    client.force_login(member.user)

    html = client.get(reverse("agents:draft_why", args=[draft.pk])).content.decode()

    assert "Built-in drafter (template-based, not an AI model)" in html
    assert "No language model was called." in html


def test_why_as_htmx_is_the_partial(client, member, chat):
    draft = DraftFactory(organization=chat.organization, chat=chat)
    client.force_login(member.user)

    response = client.get(reverse("agents:draft_why", args=[draft.pk]), HTTP_HX_REQUEST="true")

    assert response.content.decode().lstrip().startswith('<div class="draft-why">')


def test_history_and_why_of_another_organization_are_not_found(client, member):
    other = DraftFactory()
    client.force_login(member.user)

    assert client.get(reverse("agents:chat_drafts", args=[other.chat_id])).status_code == 404
    assert client.get(reverse("agents:draft_why", args=[other.pk])).status_code == 404
