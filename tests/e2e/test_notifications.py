"""Notifications in a real browser: Max has the inbox open when Bea assigns him a chat (the
real path: the service emits "chat.assigned", a Celery worker dispatches it to the notification
engine, the notice is pushed over Max's WebSocket). A toast appears and the bell goes from 0 to
1 without a reload; the bell's menu lists the notice; clicking it opens the chat and the badge
is gone. Then the center, the open menu and the settings page at 1280 and 390 pixels wide,
never wider than the screen (screenshots in /tmp/shots-web/ for visual review).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.services import organization_create
from accounts.tests.factories import MembershipFactory, UserFactory
from messaging.services.inbox import chat_assign
from messaging.tests.factories import ChatFactory, TelegramBotFactory
from notifications.models import Notification
from tests.e2e.test_inbox_live import PHONE, log_in

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-web")


@pytest.fixture
def team(transactional_db, celery_worker):
    bea = UserFactory(email="bea@example.com", full_name="Bea Klein")
    organization = organization_create(name="Acme Ventures", owner=bea)
    max_ = UserFactory(email="max@example.com", full_name="Max Roth")
    MembershipFactory(organization=organization, user=max_, role=Role.BIDI)
    bot = TelegramBotFactory(organization=organization, username="acme_sales_bot")
    chat = ChatFactory(
        bot=bot, contact__first_name="Anna", contact__last_name="Petrova", title="Anna Petrova"
    )
    return {"bea": bea, "max": max_, "chat": chat}


def bell(page: Page):
    return page.locator("[data-notification-bell]")


def test_an_assigned_chat_rings_the_bell_live_and_opens_from_the_menu(new_context, team):
    page = new_context().new_page()
    log_in(page, "max@example.com")
    page.goto("/inbox/")
    expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "open")
    badge = bell(page).locator("[data-notification-badge]")
    expect(badge).to_be_hidden()
    page.evaluate("window.__notReloaded = true")

    chat_assign(chat=team["chat"], assignee=team["max"], actor=team["bea"])

    toast = page.locator(".notice-toast")
    expect(toast).to_be_visible(timeout=15_000)
    expect(toast).to_contain_text("Anna Petrova")
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
    expect(page).to_have_title(re.compile(r"Inbox · BiDi$"))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "toast-1280.png")

    bell(page).get_by_role("button", name="Notifications, 1 unread").click()
    item = bell(page).locator(".notice", has_text="Anna Petrova")
    expect(item).to_be_visible()
    expect(item).to_have_class(re.compile(r"\bis-unread\b"))
    item.get_by_role("button").click()

    expect(page).to_have_url(re.compile(rf"/inbox/{team['chat'].pk}/"))
    expect(bell(page).locator("[data-notification-badge]")).to_be_hidden()
    notice = Notification.objects.get(user=team["max"], type="chat.assigned")
    assert notice.read_at is not None


def test_the_center_says_when_new_notices_arrive_and_shows_them(new_context, team):
    page = new_context().new_page()
    log_in(page, "max@example.com")
    page.goto("/notifications/")
    page.wait_for_function("window.BiDiLive && window.BiDiLive.state() === 'open'")
    expect(page.get_by_text("No notifications yet")).to_be_visible()

    chat_assign(chat=team["chat"], assignee=team["max"], actor=team["bea"])

    banner = page.locator("[data-notice-new]")
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("1 new notification")
    banner.click()
    expect(page.locator(".notice", has_text="Anna Petrova")).to_be_visible()
    expect(banner).to_be_hidden()


def _fits(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


@pytest.mark.parametrize("size", ["1280", "390"])
def test_notification_pages_fit_desktop_and_phone_screens(new_context, team, size):
    chat_assign(chat=team["chat"], assignee=team["max"], actor=team["bea"])
    viewport = PHONE if size == "390" else {"width": 1280, "height": 900}
    page = new_context(viewport=viewport).new_page()
    log_in(page, "max@example.com")
    SHOTS.mkdir(exist_ok=True)

    page.goto("/notifications/")
    expect(page.locator(".notice", has_text="Anna Petrova")).to_be_visible()
    _fits(page)
    page.screenshot(path=SHOTS / f"center-{size}.png", full_page=True)

    bell(page).locator("[data-notification-toggle]").click()
    expect(bell(page).locator(".notice-menu-list .notice")).to_have_count(1)
    _fits(page)
    page.screenshot(path=SHOTS / f"dropdown-{size}.png")

    page.goto("/settings/notifications/")
    expect(page.get_by_role("checkbox", name="Email: A chat is assigned to me")).to_be_visible()
    _fits(page)
    page.screenshot(path=SHOTS / f"settings-{size}.png", full_page=True)
