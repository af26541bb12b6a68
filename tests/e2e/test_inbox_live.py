"""The inbox in two real browsers: Bea and Max of one organization both have /inbox/ open when
a prospect writes to the bot (a real webhook POST to the live server, processed by a real
Celery worker, events over the WebSocket). The chat appears live in both with its unread
badge; Max opens it and his unread count drops; Bea starts typing and Max sees "Bea Klein is
typing…"; Bea's reply reaches the (fake) Bot API and appears, sent, in Max's conversation.
Then search jumps to a message, "e" closes the chat in both lists, and a dropped socket shows
"Reconnecting…" and catches up on what it missed.
Screenshots at 1280 and 390 land in /tmp/inboxui-*.png for visual review.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.services import organization_create
from accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from messaging.models import TelegramBot
from messaging.tests import updates
from messaging.tests.factories import TelegramBotFactory
from tests.e2e.test_pipeline_board import HOLDABLE_SOCKETS

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def team(transactional_db, celery_worker, fake_telegram):
    bea = UserFactory(email="bea@example.com", full_name="Bea Klein")
    organization = organization_create(name="Acme Ventures", owner=bea)
    max_ = UserFactory(email="max@example.com", full_name="Max Roth")
    MembershipFactory(organization=organization, user=max_, role=Role.BIDI)
    token = fake_telegram.add_bot(username="acme_sales_bot", first_name="Acme Sales")
    # The factory, not bot_connect: its Bot API call would run an event loop inside the one
    # Playwright keeps in this thread.
    return TelegramBotFactory(
        organization=organization,
        username="acme_sales_bot",
        telegram_id=int(token.split(":")[0]),
        token=token,
        mode=TelegramBot.Mode.WEBHOOK,
    )


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def open_inbox(page: Page, path: str = "/inbox/") -> None:
    page.goto(path)
    expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "open")


def post_update(base_url: str, bot: TelegramBot, update: dict) -> None:
    request = urllib.request.Request(
        f"{base_url}/telegram/webhook/{bot.pk}/",
        data=json.dumps(update).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=f"/tmp/inboxui-{name}.png", full_page=False)


def test_two_teammates_see_the_inbox_live(new_context, team, asgi_live_server, fake_telegram):
    bea = new_context().new_page()
    max_context = new_context()
    max_context.add_init_script(HOLDABLE_SOCKETS)
    max_ = max_context.new_page()
    for page, email in ((bea, "bea@example.com"), (max_, "max@example.com")):
        log_in(page, email)
        open_inbox(page)
    max_.evaluate("window.__notReloaded = true")

    first = updates.message("Hi! Do you ship to Berlin?", message_id=1)
    post_update(asgi_live_server.url, team, updates.update(payload=first))

    for page in (bea, max_):
        row = page.locator(".inbox-row", has_text="Anna Petrova")
        expect(row).to_contain_text("Hi! Do you ship to Berlin?", timeout=15_000)
        expect(row.get_by_label("1 unread")).to_be_visible()
        expect(page).to_have_title(re.compile(r"^\(1\) Inbox"))
    assert max_.evaluate("window.__notReloaded") is True

    max_.locator(".inbox-row", has_text="Anna Petrova").get_by_role("link").click()
    expect(max_.locator(".bubble-in", has_text="Do you ship to Berlin?")).to_be_visible()
    expect(
        max_.locator(".inbox-row", has_text="Anna Petrova").get_by_label("1 unread")
    ).to_have_count(0)
    expect(max_).to_have_title(re.compile(r"^Inbox"))
    expect(max_.locator("[data-live-state]")).to_have_attribute("data-state", "open")
    expect(bea).to_have_title(re.compile(r"^\(1\) Inbox"))  # read markers are personal

    bea.locator(".inbox-row", has_text="Anna Petrova").get_by_role("link").click()
    expect(bea.locator("[data-live-state]")).to_have_attribute("data-state", "open")
    composer = bea.get_by_role("textbox", name="Message")
    composer.press_sequentially("Yes — within two days.", delay=20)
    expect(max_.locator("[data-typing-line]")).to_have_text("Bea Klein is typing…")
    shoot(bea, "1280-bea-typing")
    composer.press("Enter")

    reply = max_.locator(".bubble-out", has_text="Yes — within two days.")
    expect(reply).to_be_visible()
    expect(reply).to_have_attribute("data-status", "sent", timeout=15_000)
    expect(bea.locator(".bubble-out", has_text="Yes — within two days.")).to_have_attribute(
        "data-status", "sent"
    )
    expect(composer).to_have_value("")
    sent = [call.params["text"] for call in fake_telegram.calls("sendMessage")]
    assert sent == ["Yes — within two days."]
    expect(max_.locator(".inbox-row", has_text="Anna Petrova")).to_contain_text(
        "You: Yes — within two days."
    )

    # A second message while Max has the chat open and visible: read at once.
    # Telegram dates are whole seconds: one a second later sorts after Bea's reply.
    second = updates.message("Great, and the price?", message_id=2, date=int(time.time()) + 1)
    post_update(asgi_live_server.url, team, updates.update(payload=second))
    expect(max_.locator(".bubble-in", has_text="Great, and the price?")).to_be_visible(
        timeout=15_000
    )
    row = max_.locator(".inbox-row", has_text="Anna Petrova")
    expect(row).to_contain_text("the price?")
    expect(row.get_by_label("1 unread")).to_have_count(0)
    expect(max_).to_have_title(re.compile(r"^Inbox"))
    shoot(max_, "1280-max")

    # Search jumps to the message in its chat and highlights it.
    max_.get_by_label("Search chats and messages").fill("price")
    max_.locator("[data-message-hit]").first.click()
    expect(max_.locator(".bubble-item.is-highlighted")).to_contain_text("Great, and the price?")
    expect(max_.locator("[data-live-state]")).to_have_attribute("data-state", "open")

    # "e" marks the chat done: it leaves the open list in both browsers.
    bea.evaluate("document.activeElement.blur()")
    bea.keyboard.press("e")
    expect(bea.locator(".inbox-row", has_text="Anna Petrova")).to_have_count(0)
    expect(max_.locator(".inbox-row", has_text="Anna Petrova")).to_have_count(0)

    # A dropped socket shows "Reconnecting…"; back online, what was missed arrives.
    max_.evaluate("window.__holdSockets = true; window.__sockets.at(-1).close()")
    expect(max_.get_by_text("Reconnecting…")).to_be_visible()
    third = updates.message("Still there?", message_id=3, date=int(time.time()) + 2)
    post_update(asgi_live_server.url, team, updates.update(payload=third))
    max_.wait_for_timeout(1500)  # the events are dispatched while Max is away
    max_.evaluate("window.__holdSockets = false; window.dispatchEvent(new Event('online'))")
    expect(max_.get_by_text("Reconnecting…")).to_be_hidden()
    expect(max_.locator(".bubble-in", has_text="Still there?")).to_be_visible()
    expect(max_.locator(".inbox-row", has_text="Anna Petrova")).to_contain_text("Still there?")

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, "max@example.com")
    open_inbox(phone, "/inbox/?status=all")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "390-list")
    phone.locator(".inbox-row", has_text="Anna Petrova").get_by_role("link").click()
    expect(phone.locator(".bubble-out", has_text="Yes — within two days.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "390-chat")
    phone.get_by_role("button", name="Contact details").first.click()
    expect(phone.locator("#inbox-context")).to_be_visible()
    shoot(phone, "390-details")


def test_a_link_a_prospect_sends_gets_its_preview_card_live(
    new_context, team, asgi_live_server, fake_website
):
    """The card is fetched in the background (a real Celery worker, a real HTTP fetch of a local
    site; private addresses are allowed for this test only) and added to the open chat."""
    # Served slowly (~1.5 s), so the card surely arrives after the bubble is on screen.
    url = fake_website.slow(
        "/pricing",
        '<html><head><meta property="og:site_name" content="Acme">'
        '<meta property="og:title" content="Acme pricing for teams">'
        '<meta property="og:description" content="Plans from 9 EUR a seat."></head></html>',
        delay=0.006,
    )
    page = new_context().new_page()
    log_in(page, "bea@example.com")
    post_update(asgi_live_server.url, team, updates.update(payload=updates.message("Hi there")))
    open_inbox(page)
    page.locator(".inbox-row", has_text="Anna Petrova").get_by_role("link").click()
    expect(page.locator(".bubble-in", has_text="Hi there")).to_be_visible()
    expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "open")

    link_message = updates.message(f"Our pricing page: {url}", date=int(time.time()) + 1)
    post_update(asgi_live_server.url, team, updates.update(payload=link_message))

    bubble = page.locator(".bubble-in", has_text="Our pricing page")
    expect(bubble).to_be_visible(timeout=15_000)
    expect(bubble.locator(".link-preview")).to_have_count(0)  # not fetched yet
    card = bubble.locator(".link-preview")
    expect(card).to_contain_text("Acme pricing for teams", timeout=15_000)
    expect(card).to_contain_text("Plans from 9 EUR a seat.")
    expect(card).to_have_attribute("href", url)
    assert [path for path, _ in fake_website.requests] == ["/pricing"]


def test_a_deal_moved_from_one_inbox_moves_in_the_others(new_context, team, asgi_live_server):
    from accounts.models import User
    from automation.models import TriggerRun
    from messaging.models import Chat
    from pipelines.services.deals import deal_create

    post_update(asgi_live_server.url, team, updates.update(payload=updates.message("Hello")))
    deadline = time.monotonic() + 15
    while not (chat := Chat.objects.filter(bot=team).first()) and time.monotonic() < deadline:
        time.sleep(0.1)
    # The built-in "first reply → Engaged" automation runs on that message; a deal created
    # before its run is done would be moved by it. Let it finish on a contact without a deal.
    runs = TriggerRun.objects.filter(organization=team.organization, event__name="message.received")
    while time.monotonic() < deadline and (
        not runs.exists() or runs.filter(status__in=["pending", "running", "retrying"]).exists()
    ):
        time.sleep(0.1)
    bea_user = User.objects.get(email="bea@example.com")
    deal = deal_create(
        organization=team.organization,
        actor=bea_user,
        title="Berlin pilot",
        contacts=[chat.contact],
    )
    pages = []
    for email in ("bea@example.com", "max@example.com"):
        page = new_context().new_page()
        log_in(page, email)
        open_inbox(page, f"/inbox/{chat.pk}/")
        expect(page.locator(".inbox-row", has_text="Anna Petrova")).to_contain_text("Lead")
        pages.append(page)
    bea, max_ = pages

    bea.get_by_label("Move Berlin pilot to stage").select_option(label="Contacted")

    for page in (bea, max_):
        expect(page.locator(".inbox-row", has_text="Anna Petrova")).to_contain_text(
            "Contacted", timeout=15_000
        )
    expect(max_.get_by_label("Move Berlin pilot to stage")).to_have_value(
        str(deal.pipeline.stages.get(name="Contacted").pk)
    )
