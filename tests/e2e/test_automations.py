"""Settings → Automations in a real browser: an admin builds "when a message is received AND the
contact has the tag VIP → tag the contact 'hot'" with the form builder (no JSON typed), tries
it on a sample event, saves it, sees a real worker run it when a message arrives, reads the
run, and switches the automation off from the list without a reload. On a phone the pages
fit the screen.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from automation.events import emit
from automation.models import Trigger, TriggerRun
from automation.tests.factories import TriggerFactory, TriggerRunFactory
from crm.tests.factories import ContactFactory, TagFactory
from messaging.services.inbound import message_payload
from messaging.tests.factories import ChatFactory, MessageFactory

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


def _admin(email: str):
    organization = OrganizationFactory(name="Acme Ventures", time_zone="Europe/Berlin")
    MembershipFactory(organization=organization, user=UserFactory(email=email), role=Role.ADMIN)
    return organization


def _finished_run(trigger: Trigger, timeout: float = 20) -> TriggerRun:
    """The trigger's run, once the worker is done with it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = TriggerRun.objects.filter(trigger=trigger).first()
        if run is not None and run.status not in ("pending", "running", "retrying"):
            return run
        time.sleep(0.1)
    raise AssertionError(f"No finished run of {trigger} within {timeout} s")


def _assert_fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_build_try_run_and_switch_off_an_automation(new_context, celery_worker):
    organization = _admin("ada@example.com")
    vip = TagFactory(organization=organization, name="VIP")
    TagFactory(organization=organization, name="hot")
    contact = ContactFactory(organization=organization, first_name="Jane")
    contact.tags.add(vip)
    chat = ChatFactory(organization=organization, bot__organization=organization, contact=contact)
    page = new_context().new_page()
    _log_in(page, "ada@example.com")

    page.goto("/settings/automations/")
    page.get_by_role("link", name="New automation").first.click()
    page.get_by_label("Name", exact=True).fill("Hot VIP replies")
    page.get_by_label("Event", exact=True).select_option("message.received")

    page.get_by_role("button", name="Condition", exact=True).click()
    condition = page.get_by_role("group", name="Condition", exact=True)
    condition.get_by_label("Field", exact=True).select_option("contact.tags")
    condition.get_by_label("Comparison", exact=True).select_option("tag_present")
    condition.get_by_label("Value", exact=True).fill("VIP")

    page.get_by_role("button", name="Add action").click()
    action = page.get_by_role("group", name="Action 1", exact=True)
    action.get_by_label("Action", exact=True).select_option("contact.add_tag")
    action.get_by_label("Tag", exact=True).fill("hot")
    _shot(page, "automation-editor-1280")

    page.get_by_label("Test against").select_option("sample")
    page.get_by_role("button", name="Test (dry run)").click()
    result = page.locator("[data-dry-run-result]")
    expect(result).to_be_visible()
    expect(result.locator(".dry-run-actions")).to_contain_text("Tag the contact")
    _shot(page, "automation-dry-run-1280")
    assert not Trigger.objects.filter(name="Hot VIP replies").exists()

    page.get_by_role("button", name="Save automation").click()
    expect(page.get_by_text("The automation “Hot VIP replies” is saved.")).to_be_visible()
    trigger = Trigger.objects.get(organization=organization, name="Hot VIP replies")
    assert trigger.event_name == "message.received"
    assert trigger.conditions == {
        "all": [{"field": "contact.tags", "op": "tag_present", "value": "VIP"}]
    }
    assert trigger.actions == [{"type": "contact.add_tag", "params": {"tag": "hot"}}]

    message = MessageFactory(chat=chat, text="What does it cost?")
    with transaction.atomic():
        emit(organization, "message.received", {"message": message_payload(message)})

    run = _finished_run(trigger)
    assert run.status == TriggerRun.Status.SUCCEEDED, run.error
    page.goto(f"/settings/automations/runs/?trigger={trigger.pk}")
    expect(page.locator(".run-row").first).to_contain_text("Succeeded")
    assert sorted(contact.tags.values_list("name", flat=True)) == ["VIP", "hot"]
    page.locator(".run-row").first.get_by_role("link", name="Hot VIP replies").click()
    expect(page.get_by_role("heading", name="Actions", exact=True)).to_be_visible()
    expect(page.locator(".run-check").first).to_contain_text("contact.tags")
    _shot(page, "automation-run-1280")

    page.goto("/settings/automations/")
    row = page.locator(f"#trigger-{trigger.pk}")
    switch = row.get_by_role("switch")
    expect(switch).to_be_checked()
    page.evaluate("window.__notReloaded = true")
    switch.click()
    expect(page.locator(f"#trigger-{trigger.pk}")).to_contain_text("Off")
    assert page.evaluate("window.__notReloaded === true")
    trigger.refresh_from_db()
    assert not trigger.enabled
    _shot(page, "automation-list-1280")


def test_the_builder_shows_a_servers_error_next_to_its_row(new_context, transactional_db):
    organization = _admin("bo@example.com")
    page = new_context().new_page()
    _log_in(page, "bo@example.com")

    page.goto("/settings/automations/new/")
    page.get_by_label("Name", exact=True).fill("Incomplete")
    page.get_by_label("Event", exact=True).select_option("message.received")
    page.get_by_role("button", name="Add action").click()
    page.get_by_role("button", name="Save automation").click()

    action = page.get_by_role("group", name="Action 1", exact=True)
    expect(action.locator(".tb-error")).to_contain_text("Pick an action.")
    assert not Trigger.objects.filter(organization=organization, name="Incomplete").exists()


@pytest.mark.parametrize("width", [390])
def test_automation_pages_fit_a_phone(new_context, transactional_db, width):
    organization = _admin("cy@example.com")
    trigger = TriggerFactory(
        organization=organization,
        name="Tag VIP replies as hot",
        event_name="message.received",
        conditions={"all": [{"field": "contact.tags", "op": "tag_present", "value": "VIP"}]},
        actions=[{"type": "contact.add_tag", "params": {"tag": "hot"}}],
    )
    TriggerRunFactory(
        trigger=trigger,
        status=TriggerRun.Status.FAILED,
        payload={"message": {"id": 1, "text": json.dumps("a long message " * 10)}},
        actions_result=[
            {
                "index": 0,
                "type": "contact.add_tag",
                "status": "failed",
                "error": "No contact in this event.",
                "attempts": 3,
            }
        ],
    )
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    _log_in(page, "cy@example.com")

    for path, name in [
        ("/settings/automations/", "list"),
        (f"/settings/automations/{trigger.pk}/", "editor"),
        ("/settings/automations/runs/", "runs"),
    ]:
        page.goto(path)
        expect(page.locator(".settings-main")).to_be_visible()
        _shot(page, f"automation-{name}-{width}")
        _assert_fits(page)
