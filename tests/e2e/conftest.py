"""Fixtures for browser tests: one headless Chromium for the e2e package, fresh browser contexts
(separate cookie jars, so separate people) pointed at the live ASGI server, and evidence on
failure: a screenshot and the HTML of every open page land in test-artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.browser import launch_chromium
from tests.fakes.website import fake_website  # noqa: F401  (fixture for link previews)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
# Long enough for a busy 2-core CI machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    """Keep each phase's report on the test item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all browser tests.

    Package-scoped rather than session-scoped: Playwright's sync API keeps an asyncio loop
    running in the main thread while it is started, which would break the async and ORM tests
    that run after this package. While it runs, Django's ORM is allowed in that thread (the
    tests and the database fixtures use it; the live server has its own threads).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()


@pytest.fixture
def new_context(
    browser: Browser, asgi_live_server, settings, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context whose relative URLs go to the live server. Emails the app sends
    arrive in ``mailoutbox``: the server runs in this process with the locmem backend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=asgi_live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _save_pages(request.node.name, contexts)
    for context in contexts:
        context.close()


def _save_pages(test_name: str, contexts: list[BrowserContext]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", test_name).strip("-")
    for c, context in enumerate(contexts, start=1):
        for p, page in enumerate(context.pages, start=1):
            target = ARTIFACTS / f"{stem}-context{c}-page{p}"
            try:
                page.screenshot(path=f"{target}.png", full_page=True)
                Path(f"{target}.html").write_text(
                    f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
                )
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"Could not save {target}: {exc}")
            else:
                print(f"Saved {target}.png and .html ({page.url})")
