"""Campaigns in a real browser: an owner creates a campaign without a bot, sees the launch check
refuse it, builds it — audience by tag with a live count, two steps with an A/B variant, a
variable from the picker whose preview reads the contact's name, a schedule open all week —
picks the bot, launches it with the fake Telegram server and a real worker, watches the
progress count the sends without reloading, and reads the analytics. The pages fit a phone.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from campaigns.models import CampaignSend
from crm.tests.factories import ContactFactory, TagFactory
from messaging.models import TelegramBot
from messaging.tests.factories import ChatFactory, TelegramBotFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _shot(page: Page, name: str) -> None:
    """Screenshots for visual review when BIDI_SHOTS_DIR is set."""
    if os.environ.get("BIDI_SHOTS_DIR"):
        page.screenshot(path=f"{os.environ['BIDI_SHOTS_DIR']}/{name}.png", full_page=True)


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def _assert_fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _on_a_phone(page: Page, name: str) -> None:
    """The page as it is, at 390 px: it fits, then back to the desktop width."""
    page.set_viewport_size(PHONE)
    _shot(page, name)
    _assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def outreach(transactional_db, celery_worker, fake_telegram):
    """An organization with a bot on the fake Bot API and three founders who started it."""
    organization = OrganizationFactory(name="Acme Ventures", time_zone="UTC")
    owner = UserFactory(email="owner@example.com", full_name="Olga Owner")
    MembershipFactory(organization=organization, user=owner, role=Role.OWNER)
    token = fake_telegram.add_bot(username="acme_sales_bot", first_name="Acme Sales")
    bot = TelegramBotFactory(
        organization=organization,
        name="Acme Sales",
        username="acme_sales_bot",
        telegram_id=int(token.split(":")[0]),
        token=token,
        mode=TelegramBot.Mode.WEBHOOK,
    )
    founders = TagFactory(organization=organization, name="founders")
    for first, last in (("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing")):
        contact = ContactFactory(organization=organization, first_name=first, last_name=last)
        contact.tags.add(founders)
        ChatFactory(organization=organization, bot=bot, contact=contact)
    ContactFactory(organization=organization, first_name="Not", last_name="Tagged")
    return bot


def test_build_check_launch_and_follow_a_campaign(new_context, outreach):
    page = new_context().new_page()
    _log_in(page, "owner@example.com")

    # Create it without a bot: the launch check refuses, pointing at the bot.
    page.goto("/campaigns/")
    page.get_by_role("link", name="New campaign").first.click()
    page.get_by_label("Name").fill("Founders, autumn")
    page.get_by_label("Send from bot").select_option("")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.locator("#audience")).to_be_visible()
    page.get_by_role("link", name="Review and launch").click()
    expect(page.locator("[data-launch-blocked]")).to_be_visible()
    expect(page.locator(".campaign-problem-blocking", has_text="bot")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Launch to"))).to_be_disabled()
    _shot(page, "campaign-launch-blocked-1280")
    _on_a_phone(page, "campaign-launch-blocked-390")
    page.get_by_role("link", name="Back to the builder").click()

    # Audience by tag: the preview counts the three founders before saving.
    page.locator("#audience-form select[name=tag]").select_option("founders")
    expect(page.locator("[data-audience-total]")).to_have_text("3")
    expect(page.locator("#audience-preview")).to_contain_text("bot is disconnected")  # no bot yet
    page.get_by_role("button", name="Save audience").click()
    expect(page.locator(".alert-success", has_text="Audience saved")).to_be_visible()

    # Step 1 with the variable picker; its preview reads a founder's name.
    body = page.locator("#step-0-variant-0-body")
    body.fill("Hi ")
    page.locator("[data-insert]", has_text=re.compile("^First name$")).click()
    body.press("End")
    body.press_sequentially(", quick question about your roadmap?")
    expect(body).to_have_value(
        'Hi {{ contact.first_name | default:"there" }}, quick question about your roadmap?'
    )
    first_sample = page.locator("#preview-contact option").first.inner_text().split()[0]
    expect(page.locator("#step-0 .campaign-preview").first).to_contain_text(
        f"Hi {first_sample}, quick question"
    )
    # A/B variant and a second step, added without losing what was typed.
    page.get_by_role("button", name="Add variant").click()
    page.locator("#step-0-variant-1-body").fill("Hello {{ contact.first_name }}!")
    page.get_by_role("button", name="Add step").click()
    expect(page.locator("#step-0-variant-0-body")).to_have_value(re.compile("^Hi "))
    page.locator("#step-1-variant-0-body").fill("Following up, {{ contact.first_name }}.")
    page.get_by_role("button", name="Save messages").click()
    expect(page.locator("#steps-editor .alert-success")).to_have_text(re.compile("saved"))
    _shot(page, "campaign-builder-1280")
    _on_a_phone(page, "campaign-builder-390")

    # Every day, all day, so the test never waits for office hours; then the bot.
    for day in ("Sat", "Sun"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("From", exact=True).fill("00:00")
    page.get_by_label("Until", exact=True).fill("23:59")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.locator(".alert-success", has_text="Schedule saved")).to_be_visible()
    page.get_by_label("Send from bot").select_option(str(outreach.pk))
    page.locator("#basics").get_by_role("button", name="Save").click()

    # The check passes; launching sends step 1 through the fake Bot API with a real worker.
    expect(page.locator("[data-audience-reachable]")).to_have_text("3")
    page.get_by_role("link", name="Review and launch").click()
    expect(page.get_by_text("Ready to launch.")).to_be_visible()
    _shot(page, "campaign-launch-ready-1280")
    page.get_by_role("button", name="Launch to 3 contacts").click()
    expect(page.locator("#campaign-progress")).to_be_visible()
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    expect(page.locator("[data-progress-enrolled]")).to_have_text("3")
    expect(page.locator("[data-progress-sent]")).to_have_text("3", timeout=20_000)
    assert CampaignSend.objects.filter(status="sent").count() == 3
    expect(page.locator(".campaign-recipients")).to_contain_text("Ada Lovelace")
    # The recipients table follows too: each waits for step 2 with step 1's send time.
    expect(page.locator(".campaign-recipients tbody")).not_to_contain_text("—", timeout=20_000)
    expect(page.locator(".campaign-recipients tbody tr", has_text="Step 2")).to_have_count(3)
    assert page.evaluate("window.sameDocument === true")
    _shot(page, "campaign-detail-1280")

    page.get_by_role("link", name="Analytics").click()
    expect(page.locator('[data-stage="sent"] .campaign-funnel-count')).to_have_text("3")
    expect(page.locator("#campaign-chart")).to_be_visible()
    _shot(page, "campaign-analytics-1280")

    # On a phone every page fits the screen.
    phone = new_context(viewport=PHONE).new_page()
    _log_in(phone, "owner@example.com")
    campaign_url = page.url.replace("analytics/", "")
    for path, name in (
        ("/campaigns/", "list"),
        (campaign_url, "detail"),
        (page.url, "analytics"),
    ):
        phone.goto(path)
        _shot(phone, f"campaign-{name}-390")
        _assert_fits(phone)
