"""Telegram in a real browser: an owner connects a bot in Settings, a prospect writes (a real
webhook POST to the live server), the chat appears with its photo, and the reply typed in the
composer reaches the (fake) Bot API. On a phone the chat page never scrolls sideways.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from messaging.models import Attachment, TelegramBot
from messaging.tests import updates

pytestmark = pytest.mark.e2e
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00"
    + bytes(range(64))
    + b"\xff\xd9"
)


def _shot(page: Page, name: str) -> None:
    """Screenshots for visual review when BIDI_SHOTS_DIR is set."""
    if os.environ.get("BIDI_SHOTS_DIR"):
        page.screenshot(path=f"{os.environ['BIDI_SHOTS_DIR']}/{name}.png", full_page=True)


def _log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("olga@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def _post_update(base_url: str, bot: TelegramBot, update: dict) -> int:
    request = urllib.request.Request(
        f"{base_url}/telegram/webhook/{bot.pk}/",
        data=json.dumps(update).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_connect_receive_and_reply(new_context, transactional_db, asgi_live_server, fake_telegram):
    organization = OrganizationFactory(name="Acme Ventures")
    MembershipFactory(
        organization=organization, user=UserFactory(email="olga@example.com"), role=Role.OWNER
    )
    token = fake_telegram.add_bot(username="acme_sales_bot", first_name="Acme Sales")
    page = new_context().new_page()
    _log_in(page)

    page.goto("/settings/telegram/")
    page.get_by_label("Bot token").fill(token)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("@acme_sales_bot is connected")).to_be_visible()
    _shot(page, "settings-bots-1280")

    bot = TelegramBot.objects.get()
    file_id = fake_telegram.add_file(JPEG, file_path="photos/office.jpg")
    first = updates.message("Hi! Do you ship to Berlin?", message_id=1)
    assert _post_update(asgi_live_server.url, bot, updates.update(payload=first)) == 200
    photo = updates.message(
        None, message_id=2, photo=updates.photo(file_id, len(JPEG)), caption="Our office"
    )
    assert _post_update(asgi_live_server.url, bot, updates.update(payload=photo)) == 200

    # The webhook answers once the update is stored; processing and the photo's download follow.
    deadline = time.monotonic() + 30
    while not Attachment.objects.filter(status="stored").exists():
        assert time.monotonic() < deadline, "the update was not processed"
        time.sleep(0.1)
    page.get_by_role("link", name="Inbox").first.click()
    page.get_by_role("link", name="Anna Petrova").click()
    expect(page.get_by_text("Hi! Do you ship to Berlin?")).to_be_visible()
    expect(page.get_by_alt_text("photo_2.jpg")).to_be_visible()
    page.get_by_role("textbox", name="Message").fill("Yes — within two days.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".bubble-text", has_text="Yes — within two days.")).to_be_visible()
    _shot(page, "chat-1280")
    sent = [call.params["text"] for call in fake_telegram.calls("sendMessage")]
    assert sent == ["Yes — within two days."]

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    _log_in(phone)
    phone.goto(page.url)
    expect(phone.get_by_text("Hi! Do you ship to Berlin?")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "chat-390")
    phone.goto("/inbox/")
    _shot(phone, "chats-390")
    phone.goto("/settings/telegram/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "settings-bots-390")
