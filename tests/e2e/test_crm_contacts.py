"""The contact pages in a real browser: search and filters update the table without a page
load and put the filters in the URL; a field edits inline with its error shown beside it;
ticked rows are tagged in bulk; on a phone the list is cards and the page never scrolls
sideways.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from crm.tests.factories import ContactFactory, TagFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def team(db):
    organization = OrganizationFactory(name="Acme Ventures")
    user = UserFactory(email="bea@example.com")
    MembershipFactory(organization=organization, user=user, role=Role.BIDI)
    investor = TagFactory(organization=organization, name="investor")
    anna = ContactFactory(
        organization=organization, first_name="Anna", last_name="Schmidt", emails=["anna@acme.io"]
    )
    anna.tags.add(investor)
    ContactFactory(organization=organization, first_name="Boris", last_name="Petrov")
    return organization, anna


def log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("bea@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def test_search_and_filters_update_the_table_and_the_url(new_context, team):
    page = new_context().new_page()
    log_in(page)
    page.goto("/contacts/")

    page.keyboard.press("/")
    page.keyboard.type("Anna")

    expect(page).to_have_url(re.compile(r"/contacts/\?q=Anna$"))
    table = page.locator("#list-results")
    expect(table.get_by_role("link", name="Anna Schmidt")).to_be_visible()
    expect(table.get_by_text("Boris Petrov")).to_have_count(0)

    page.get_by_role("button", name="Filters").first.click()
    page.get_by_label("Tag", exact=True).select_option("investor")
    expect(page).to_have_url(re.compile(r"q=Anna&tag=investor"))
    expect(page.get_by_role("link", name="Remove filter Tag: investor")).to_be_visible()


def test_a_field_edits_inline_and_shows_its_error_beside_it(new_context, team):
    _, anna = team
    page = new_context().new_page()
    log_in(page)
    page.goto(f"/contacts/{anna.pk}/")

    page.locator("#field-phones").get_by_role("button", name="Add phones").click()
    page.locator("#field-phones textarea").fill("030 1234")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#field-phones")).to_contain_text("with its country code")

    page.locator("#field-phones textarea").fill("+49 30 1234567")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#field-phones")).to_contain_text("+49 30 1234567")
    expect(page.locator("#timeline")).to_contain_text("changed phones")


def test_ticked_contacts_are_tagged_in_bulk(new_context, team):
    page = new_context().new_page()
    log_in(page)
    page.goto("/contacts/")

    page.get_by_label("Select all contacts on this page").check()
    bar = page.locator("#bulk-form")
    expect(bar).to_contain_text("2 selected")
    bar.get_by_role("button", name="Tag").click()
    bar.get_by_label("Tag name").fill("warm")
    bar.get_by_role("button", name="Add tag").click()

    expect(page.get_by_text("“warm” added to 2 contacts.")).to_be_visible()
    expect(page.locator("#list-results .tag-chip", has_text="warm")).to_have_count(2)


def test_on_a_phone_the_list_is_cards_without_sideways_scrolling(new_context, team):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(page)
    page.goto("/contacts/")

    expect(page.get_by_role("link", name="Anna Schmidt")).to_be_visible()
    expect(page.locator("#list-results thead")).to_be_hidden()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_note_is_previewed_then_added_to_the_timeline(new_context, team, width):
    _, anna = team
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page)
    page.goto(f"/contacts/{anna.pk}/")

    page.get_by_label("Note").fill("Call **Monday** about the term sheet")
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#note-preview")
    expect(preview.locator("strong")).to_have_text("Monday")
    preview.scroll_into_view_if_needed()
    page.screenshot(path=f"test-artifacts/e2e/note-preview-{width}.png")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".timeline-note .note-body strong")).to_have_text("Monday")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
