"""The one way BiDi's tests and dev scripts start a browser: Debian's headless Chromium at
/usr/bin/chromium driven by Playwright (``playwright install`` cannot download its own here).

The flags keep Chromium quiet and quick in containers and CI: no sandbox (we often run as
root), no GPU, and no background traffic to Google (updates, sync, field trials).
"""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless Chromium; close it (or its Playwright) when done."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
