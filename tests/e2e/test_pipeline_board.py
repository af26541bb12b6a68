"""The pipeline board in real browsers: two people of one organization have the same board open;
a drag in one browser shows in the other within a second, without a reload (uvicorn, the
WebSocket, a real Celery worker dispatching the events). Plus quick create from a column, the
deal drawer's version-checked edit, and the board at desktop and phone widths.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from accounts.permissions import Role
from accounts.services import organization_create
from accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from crm.tests.factories import CompanyFactory
from pipelines.models import Deal, Pipeline
from pipelines.services.deals import deal_create
from pipelines.services.pipelines import pipeline_create

pytestmark = pytest.mark.e2e

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e" / "pipeline-board"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def team(transactional_db, celery_worker):
    """Two members of one organization and three deals in Lead. Events go through the real
    worker (eager dispatch cannot reach Channels from the thread Playwright runs in)."""
    bea = UserFactory(email="bea@example.com", full_name="Bea Klein")
    organization = organization_create(name="Acme Ventures", owner=bea)
    max_ = UserFactory(email="max@example.com", full_name="Max Roth")
    MembershipFactory(organization=organization, user=max_, role=Role.BIDI)
    pipeline = Pipeline.objects.get(organization=organization, is_default=True)
    lead = pipeline.stages.get(name="Lead")
    orbit = CompanyFactory(organization=organization, name="Orbit Labs")
    for title, value, owner in (
        ("Seed round intro", 25000, bea),
        ("Orbit pilot", 12500, max_),
        ("Market maker deal", 80000, bea),
    ):
        deal_create(
            organization=organization,
            actor=bea,
            title=title,
            value=value,
            owner=owner,
            company=orbit if "Orbit" in title else None,
            stage=lead,
        )
    return organization, pipeline


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def open_board(page: Page) -> None:
    page.goto("/pipeline/")
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "open")


def column(page: Page, name: str) -> Locator:
    return page.locator("[data-column]", has=page.get_by_role("heading", name=name, exact=True))


def card(page: Page, title: str) -> Locator:
    return page.locator("[data-deal-id]", has_text=title)


def drag(page: Page, source: Locator, target: Locator) -> None:
    """Drag with the mouse in small steps, as a person does (SortableJS follows the events)."""
    start = source.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 20, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 24, steps=15)
    page.mouse.up()


def two_boards(new_context, max_init_script: str = "") -> tuple[Page, Page]:
    """Bea and Max, each in a browser of their own, on the live board."""
    bea = new_context().new_page()
    max_context = new_context()
    if max_init_script:
        max_context.add_init_script(max_init_script)
    max_ = max_context.new_page()
    for page, email in ((bea, "bea@example.com"), (max_, "max@example.com")):
        log_in(page, email)
        open_board(page)
    return bea, max_


def shoot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=False)


def test_a_drag_in_one_browser_appears_live_in_the_other(new_context, team):
    bea, max_ = two_boards(new_context)
    max_.evaluate("window.__notReloaded = true")
    expect(column(max_, "Meeting").locator("[data-column-count]")).to_have_text("0")

    drag(bea, card(bea, "Orbit pilot"), column(bea, "Meeting").locator("[data-stage-list]"))
    expect(column(bea, "Meeting").locator("[data-deal-id]", has_text="Orbit pilot")).to_be_visible()
    expect(card(bea, "Orbit pilot")).not_to_have_class(re.compile("is-saving"))
    saved = time.monotonic()

    moved = column(max_, "Meeting").locator("[data-deal-id]", has_text="Orbit pilot")
    expect(moved).to_be_visible(timeout=1000)
    latency = time.monotonic() - saved
    print(f"live move seen by the other browser after {latency * 1000:.0f} ms")
    expect(column(max_, "Lead").locator("[data-deal-id]", has_text="Orbit pilot")).to_have_count(0)
    expect(column(max_, "Meeting").locator("[data-column-count]")).to_have_text("1")
    expect(column(max_, "Lead").locator("[data-column-count]")).to_have_text("2")
    expect(column(max_, "Meeting").locator("[data-column-total]")).to_have_text("$12.5k")
    assert max_.evaluate("window.__notReloaded") is True
    deal = Deal.objects.get(title="Orbit pilot")
    assert deal.stage.name == "Meeting"
    assert deal.stage_changes.filter(from_stage__name="Lead").exists()


# Records the page's WebSockets; while __holdSockets is set, new ones go to a path the server
# refuses, so the page stays disconnected until the test lets it back.
HOLDABLE_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__holdSockets = false;
  function Holdable(url, protocols) {
    const target = window.__holdSockets ? url.replace(/\\/ws\\/$/, "/ws-held/") : url;
    const socket = protocols ? new Native(target, protocols) : new Native(target);
    window.__sockets.push(socket);
    return socket;
  }
  Holdable.prototype = Native.prototype;
  Object.assign(Holdable, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Holdable;
})();
"""


def test_a_board_that_was_offline_catches_up_on_reconnect(new_context, team):
    bea, max_ = two_boards(new_context, HOLDABLE_SOCKETS)
    max_.evaluate("window.__notReloaded = true")

    max_.evaluate("window.__holdSockets = true; window.__sockets.at(-1).close()")
    expect(max_.locator("[data-live-status]")).not_to_have_attribute("data-state", "open")
    drag(bea, card(bea, "Orbit pilot"), column(bea, "Meeting").locator("[data-stage-list]"))
    expect(card(bea, "Orbit pilot")).not_to_have_class(re.compile("is-saving"))
    max_.wait_for_timeout(1500)  # the events are dispatched while Max is away
    assert column(max_, "Lead").locator("[data-deal-id]", has_text="Orbit pilot").count() == 1

    max_.evaluate("window.__holdSockets = false; window.dispatchEvent(new Event('online'))")

    expect(max_.locator("[data-live-status]")).to_have_attribute("data-state", "open")
    moved = column(max_, "Meeting").locator("[data-deal-id]", has_text="Orbit pilot")
    expect(moved).to_be_visible(timeout=3000)
    assert max_.evaluate("window.__notReloaded") is True


def test_a_drop_the_server_refuses_goes_back_with_a_message(new_context, team):
    page = new_context(viewport={"width": 2400, "height": 900}).new_page()  # all columns in view
    log_in(page, "bea@example.com")
    open_board(page)
    flash = page.locator("[data-board-flash]")

    # A column whose stage is gone (deleted in another tab): 400, and the card goes back.
    stage = team[1].stages.get(name="Engaged")
    engaged = column(page, "Engaged").locator("[data-stage-list]")
    engaged.evaluate("(el, id) => el.dataset.stageList = String(id + 100000)", stage.pk)
    drag(page, card(page, "Orbit pilot"), engaged)
    expect(flash).to_contain_text("That stage does not exist (any more); reload the board.")
    expect(column(page, "Lead").locator("[data-deal-id]", has_text="Orbit pilot")).to_be_visible()
    expect(column(page, "Engaged").locator("[data-column-count]")).to_have_text("0")
    shoot(page, "move-refused-2400")

    # Someone deleted the deal meanwhile (404): the card goes, with a word why.
    Deal.objects.filter(title="Seed round intro").delete()
    drag(page, card(page, "Seed round intro"), column(page, "Meeting").locator("[data-stage-list]"))
    expect(flash).to_contain_text("This deal was deleted by someone else.")
    expect(card(page, "Seed round intro")).to_have_count(0)


def test_a_drop_on_lost_asks_why_and_cancel_puts_the_card_back(new_context, team):
    page = new_context(viewport={"width": 2400, "height": 900}).new_page()  # all columns in view
    log_in(page, "bea@example.com")
    open_board(page)
    lost = column(page, "Lost").locator("[data-stage-list]")
    dialog = page.get_by_role("dialog", name="Why was this deal lost?")

    drag(page, card(page, "Orbit pilot"), lost)
    dialog.get_by_role("button", name="Cancel").click()
    expect(column(page, "Lead").locator("[data-deal-id]", has_text="Orbit pilot")).to_be_visible()
    expect(column(page, "Lost").locator("[data-column-count]")).to_have_text("0")

    drag(page, card(page, "Orbit pilot"), lost)
    dialog.get_by_label("Reason").fill("Went with a competitor")
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(column(page, "Lost").locator("[data-deal-id]", has_text="Orbit pilot")).to_be_visible()
    expect(card(page, "Orbit pilot")).not_to_have_class(re.compile("is-saving"))
    assert Deal.objects.get(title="Orbit pilot").lost_reason == "Went with a competitor"


def test_quick_create_puts_the_deal_on_top_of_the_column_for_everyone(new_context, team):
    bea, max_ = two_boards(new_context)

    contacted = column(bea, "Contacted")
    contacted.get_by_role("button", name="Add a deal to Contacted").click()
    contacted.get_by_label("Deal title").fill("Exchange listing")
    contacted.get_by_label("Value").fill("40000")
    contacted.get_by_label("Value").press("Enter")

    expect(contacted.locator("[data-deal-id]").first).to_contain_text("Exchange listing")
    expect(contacted.locator("[data-deal-id]").first).to_contain_text("$40,000")
    expect(contacted.locator("[data-column-count]")).to_have_text("1")
    expect(contacted.get_by_label("Deal title")).to_have_value("")
    expect(
        column(max_, "Contacted").locator("[data-deal-id]", has_text="Exchange listing")
    ).to_be_visible(timeout=2000)

    contacted.get_by_label("Deal title").fill("")
    contacted.get_by_role("button", name="Add", exact=True).click()
    expect(contacted).to_contain_text("Give the deal a title.")


def test_the_drawer_edits_a_deal_and_refuses_a_stale_save(new_context, team):
    bea = new_context().new_page()
    log_in(bea, "bea@example.com")
    open_board(bea)

    card(bea, "Seed round intro").get_by_role("link").click()
    drawer = bea.locator("#deal-drawer")
    expect(drawer.get_by_role("heading", name="Seed round intro")).to_be_visible()
    expect(drawer.locator("#deal-history")).to_contain_text("put it in Lead")
    drawer.get_by_role("button", name="Edit").click()
    drawer.get_by_label("Value").fill("30000")
    drawer.get_by_label("Expected close").fill("2027-03-31")
    drawer.get_by_role("button", name="Save").click()

    expect(drawer.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    expect(drawer).to_contain_text("$30,000")
    expect(card(bea, "Seed round intro")).to_contain_text("$30,000")

    no_notes = drawer.locator("#deal-notes").get_by_text("No notes yet.")
    expect(no_notes).to_be_visible()
    drawer.get_by_role("textbox", name="Note").fill("Call on **Friday**")
    drawer.get_by_role("button", name="Add note").click()
    expect(drawer.locator("#deal-notes strong", has_text="Friday")).to_be_visible()
    expect(no_notes).to_be_hidden()
    bea.once("dialog", lambda dialog: dialog.accept())
    drawer.get_by_role("button", name="Delete note").click()
    expect(drawer.locator("#deal-notes strong", has_text="Friday")).to_have_count(0)
    expect(no_notes).to_be_visible()  # without a reload
    drawer.get_by_role("textbox", name="Note").fill("Call on **Friday**")
    drawer.get_by_role("button", name="Add note").click()
    expect(drawer.locator("#deal-notes strong", has_text="Friday")).to_be_visible()

    # Someone else saves while the editor is open: the save is refused, nothing is lost.
    drawer.get_by_role("button", name="Edit").click()
    expect(drawer.get_by_label("Value")).to_be_visible()
    deal = Deal.objects.get(title="Seed round intro")
    Deal.objects.filter(pk=deal.pk).update(value=99000, version=deal.version + 1)
    drawer.get_by_label("Value").fill("31000")
    drawer.get_by_role("button", name="Save").click()

    expect(drawer.locator(".deal-conflict")).to_contain_text("Someone else saved this deal")
    expect(drawer.locator(".deal-conflict")).to_contain_text("Value is now $99,000")
    expect(drawer.get_by_label("Value")).to_have_value("31000")
    shoot(bea, "drawer-conflict-1280")
    drawer.get_by_role("button", name="Save").click()
    expect(drawer.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    assert Deal.objects.get(pk=deal.pk).value == 31000


def test_the_board_at_desktop_and_phone_widths(new_context, team):
    organization, _ = team
    owner = User.objects.get(email="bea@example.com")
    pipeline_create(organization=organization, actor=owner, name="Partnerships", stages=[])
    desktop = new_context().new_page()
    log_in(desktop, "bea@example.com")
    open_board(desktop)
    desktop.get_by_role("button", name="Switch pipeline").click()
    expect(desktop.get_by_role("link", name="Partnerships")).to_be_visible()
    shoot(desktop, "board-1280")
    desktop.keyboard.press("Escape")
    card(desktop, "Orbit pilot").get_by_role("link").click()
    drawer = desktop.locator("#deal-drawer")
    expect(drawer.get_by_role("heading", name="Orbit pilot")).to_be_visible()
    shoot(desktop, "drawer-1280")

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, "bea@example.com")
    open_board(phone)
    shoot(phone, "board-390")
    lead = column(phone, "Lead").bounding_box()
    assert lead["width"] <= PHONE["width"]  # one column wide
    assert not phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    board = phone.locator("[data-board]")
    board.evaluate("el => el.scrollBy(200, 0)")
    phone.wait_for_timeout(400)
    snapped = board.evaluate("el => el.scrollLeft")
    assert snapped > 200  # snapped to the next column
    shoot(phone, "board-390-swiped")
    card(phone, "Orbit pilot").get_by_role("link").click()
    expect(phone.locator("#deal-drawer").get_by_role("heading", name="Orbit pilot")).to_be_visible()
    shoot(phone, "drawer-390")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["1280", "390"])
def test_forecast_and_settings_fit_the_screen(new_context, team, viewport):
    _, pipeline = team
    page = new_context(viewport=viewport).new_page()
    log_in(page, "bea@example.com")
    width = viewport["width"]

    page.goto(f"/pipeline/{pipeline.pk}/forecast/")
    expect(page.get_by_role("heading", name="Expected revenue per month")).to_be_visible()
    shoot(page, f"forecast-{width}")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    page.goto(f"/settings/pipelines/{pipeline.pk}/")
    expect(page.get_by_role("heading", name="Stages")).to_be_visible()
    shoot(page, f"settings-{width}")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
