"""Settings → Webhooks in a real browser: an admin adds an endpoint pointing at a local receiver
(which verifies signatures with the `standardwebhooks` package), sends a test event and sees the
delivery succeed in the table, reveals the secret and opens the delivery, on a laptop and on a
phone (no sideways scroll).
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from automation.models import WebhookEndpoint

pytestmark = pytest.mark.e2e


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


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_add_an_endpoint_and_deliver_a_test_event(
    new_context, transactional_db, webhook_receiver, width
):
    organization = OrganizationFactory(name="Acme Ventures")
    email = f"ada{width}@example.com"
    MembershipFactory(organization=organization, user=UserFactory(email=email), role=Role.ADMIN)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    _log_in(page, email)

    page.goto("/settings/webhooks/")
    expect(page.get_by_text("No webhook endpoints yet")).to_be_visible()
    _shot(page, f"webhook-list-empty-{width}")
    page.get_by_role("link", name="Add endpoint").first.click()

    page.get_by_label("URL").fill(webhook_receiver.url)
    page.get_by_label("Description").fill("CRM sync")
    page.get_by_label("Select all Deal events").click()
    expect(page.locator("#event-type-deal\\.won")).to_be_checked()
    _shot(page, f"webhook-form-{width}")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Add endpoint").click()

    expect(page.get_by_role("heading", name=re.compile("CRM sync"))).to_be_visible()
    endpoint = WebhookEndpoint.objects.get(organization=organization)
    webhook_receiver.secrets.append(endpoint.secret)
    assert "deal.won" in endpoint.event_types

    page.get_by_role("button", name="Send test event").click()
    row = page.locator("tr", has_text="webhook.test")
    expect(row.get_by_text("Delivered")).to_be_visible()
    assert webhook_receiver.received[0].verified
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator("#webhook-secret-value")).to_have_text(endpoint.secret)
    _shot(page, f"webhook-detail-{width}")
    _no_sideways_scroll(page)

    row.get_by_role("link").first.click()
    expect(page.get_by_text("HTTP 200").first).to_be_visible()
    _shot(page, f"delivery-detail-{width}")
    _no_sideways_scroll(page)

    page.goto("/settings/webhooks/")
    expect(page.get_by_text("1 delivery in 24 h")).to_be_visible()
    _shot(page, f"webhook-list-{width}")
    page.goto(f"/settings/webhooks/{endpoint.pk}/rotate/")
    _shot(page, f"webhook-rotate-{width}")
    page.goto(f"/settings/webhooks/{endpoint.pk}/delete/")
    _shot(page, f"webhook-delete-{width}")
