"""AI reply drafts in a real browser (live ASGI server, real Celery worker, fake Bot API, the
built-in drafter): with auto-draft on, a prospect's message makes a draft appear live above
the composer of the open chat; the member edits it and approves, and the Bot API receives
exactly the edited text. Then: "Draft a reply" from the composer, Reject with a reason, and
the chat's draft history shows it. Screenshots at 1280 and 390 px land in /tmp/shots-ui/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from agents.models import AISettings, Draft
from agents.tests.factories import AISettingsFactory
from messaging.models import Chat
from messaging.tests import updates
from tests.e2e.test_inbox_live import PHONE, log_in, open_inbox, post_update, team  # noqa: F401

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-ui")


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for_chat(bot) -> Chat:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        chat = Chat.objects.filter(bot=bot).first()
        if chat is not None:
            return chat
        time.sleep(0.1)
    raise AssertionError("the prospect's chat never appeared")


def sent_to_anna(fake_telegram) -> list[str]:
    return [
        call.params["text"]
        for call in fake_telegram.calls("sendMessage")
        if str(call.params.get("chat_id")) == str(updates.ANNA["id"])
    ]


def test_an_inbound_message_drafts_a_reply_live_and_the_edited_text_is_sent(
    new_context,
    team,  # noqa: F811
    asgi_live_server,
    fake_telegram,
):
    settings = AISettingsFactory(organization=team.organization, auto_draft=False)
    first = updates.message("Hi! Do you ship to Berlin?", message_id=1)
    post_update(asgi_live_server.url, team, updates.update(payload=first))
    chat = wait_for_chat(team)

    page = new_context().new_page()
    log_in(page, "bea@example.com")
    open_inbox(page, f"/inbox/{chat.pk}/")
    card = page.locator("#ai-draft")
    expect(card).to_have_attribute("data-status", "none")
    expect(card).to_contain_text("Built-in drafter (template-based, not an AI model)")

    AISettings.objects.filter(pk=settings.pk).update(auto_draft=True)
    second = updates.message(
        "Great. What does it cost for a team of 5?", message_id=2, date=int(time.time()) + 1
    )
    post_update(asgi_live_server.url, team, updates.update(payload=second))

    expect(page.locator(".bubble-in", has_text="team of 5")).to_be_visible(timeout=15_000)
    expect(card).to_have_attribute("data-status", "ready", timeout=45_000)
    draft = Draft.objects.get(chat=chat, status=Draft.Status.READY)
    assert draft.trigger == Draft.Trigger.AUTO
    text = card.get_by_label("Draft reply (edit before sending)")
    expect(text).to_have_value(draft.text)
    shoot(page, "inbox-draft-1280")

    edited = "Hi Anna! For a team of 5 it is 45 EUR a seat a month. Shall I send a quote?"
    text.fill(edited)
    card.get_by_role("button", name="Approve & send").click()

    expect(card).to_have_attribute("data-status", "none")
    reply = page.locator(".bubble-out", has_text="45 EUR a seat")
    expect(reply).to_be_visible()
    expect(reply).to_have_attribute("data-status", "sent", timeout=15_000)
    assert sent_to_anna(fake_telegram) == [edited]
    draft.refresh_from_db()
    assert (draft.status, draft.final_text) == (Draft.Status.SENT, edited)
    assert draft.edit_distance and draft.edit_distance > 0

    page.goto(f"/drafts/{draft.pk}/why/")
    expect(page.get_by_role("heading", name="Why this draft")).to_be_visible()
    expect(page.get_by_text("No language model was called.")).to_be_visible()
    shoot(page, "why-1280")
    page.goto(f"/inbox/{chat.pk}/drafts/")
    expect(page.locator(".draft-edited-badge")).to_be_visible()
    shoot(page, "history-1280")

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, "bea@example.com")
    for path, name in (
        (f"/drafts/{draft.pk}/why/", "why-390"),
        (f"/inbox/{chat.pk}/drafts/", "history-390"),
    ):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        shoot(phone, name)


def test_draft_from_the_composer_then_reject_with_a_reason_shows_in_history(
    new_context,
    team,  # noqa: F811
    asgi_live_server,
    fake_telegram,
):
    post_update(
        asgi_live_server.url,
        team,
        updates.update(payload=updates.message("Can we book a demo next week?", message_id=1)),
    )
    chat = wait_for_chat(team)
    page = new_context().new_page()
    log_in(page, "max@example.com")
    open_inbox(page, f"/inbox/{chat.pk}/")
    card = page.locator("#ai-draft")
    expect(card).to_have_attribute("data-status", "none")

    page.get_by_role("button", name="Draft a reply").first.click()
    expect(card).to_have_attribute("data-status", "ready", timeout=45_000)

    first_draft = card.get_attribute("data-draft")
    card.get_by_role("button", name="Regenerate").click()
    card.get_by_role("button", name="More formal").click()
    expect(card).not_to_have_attribute("data-draft", first_draft)
    expect(card).to_have_attribute("data-status", "ready", timeout=45_000)
    expect(card.locator(".draft-card-instruction")).to_have_text("“More formal”")
    shoot(page, "inbox-draft-regenerated-1280")

    card.get_by_role("button", name="Reject").click()
    card.get_by_text("Wrong tone").click()
    card.get_by_label("Reason", exact=True).fill("We never promise dates in the first reply")
    shoot(page, "inbox-draft-reject-1280")
    card.get_by_role("button", name="Reject draft").click()
    expect(card).to_have_attribute("data-status", "none")
    assert sent_to_anna(fake_telegram) == []

    # Alt+D drafts again from anywhere in the chat.
    page.locator("body").press("Alt+d")
    expect(card).to_have_attribute("data-status", "ready", timeout=45_000)

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, "max@example.com")
    open_inbox(phone, f"/inbox/{chat.pk}/")
    expect(phone.locator("#ai-draft")).to_have_attribute("data-status", "ready")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "inbox-draft-390")

    page.goto(f"/inbox/{chat.pk}/drafts/")
    rejected = page.locator('[data-draft-status="rejected"]')
    expect(rejected).to_contain_text("We never promise dates in the first reply")
    expect(rejected).to_contain_text("Max Roth")
    expect(page.locator('[data-draft-status="superseded"]')).to_have_count(1)


def test_the_ai_settings_page_at_both_widths(new_context, team):  # noqa: F811
    AISettingsFactory(
        organization=team.organization,
        forbidden_phrases=["guaranteed"],
        banned_topics=["politics"],
    )
    for viewport, name in (
        ({"width": 1280, "height": 900}, "settings-1280"),
        (PHONE, "settings-390"),
    ):
        page = new_context(viewport=viewport).new_page()
        log_in(page, "bea@example.com")
        page.goto("/settings/ai/")
        expect(page.get_by_role("heading", name="AI drafts", exact=True)).to_be_visible()
        expect(page.get_by_text("without anyone reading them first")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shoot(page, name)
