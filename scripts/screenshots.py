"""Save full-page screenshots of BiDi pages at desktop and phone widths, for visual review.

A dev tool: it starts nothing. Run a server yourself, then e.g.

    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8101 \\
        --email owner@example.com --password 'secret' \\
        --public /accounts/login/ /accounts/signup/ --paths / /settings/profile/

Public paths are captured signed out; ``--paths`` after signing in through the login form.
PNGs land in test-artifacts/screenshots/ as ``<path>-<width>.png`` (``public-`` in front for
signed-out captures); a page wider than the window is reported.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the repository's packages importable

from tests.browser import launch_chromium  # noqa: E402

DEFAULT_OUT = ROOT / "test-artifacts" / "screenshots"


def slug(path: str) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")
    return name or "home"


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.auth-form button[type=submit]")
    if "/accounts/login/" in page.url:
        sys.exit(f"Sign-in failed for {email}: still on {page.url}")


def capture(
    page: Page, base_url: str, paths: list[str], width: int, out: Path, prefix: str = ""
) -> None:
    for path in paths:
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        target = out / f"{prefix}{slug(path)}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        note = "  HORIZONTAL OVERFLOW" if overflow else ""
        print(f"{target}  ({page.url}){note}")


def shoot(browser: Browser, args: argparse.Namespace, width: int) -> None:
    viewport = {"width": width, "height": 900 if width >= 768 else 844}
    scale = 1 if width >= 768 else 2
    if args.public:
        context = browser.new_context(viewport=viewport, device_scale_factor=scale)
        capture(context.new_page(), args.base_url, args.public, width, args.out, "public-")
        context.close()
    if args.paths:
        context = browser.new_context(viewport=viewport, device_scale_factor=scale)
        page = context.new_page()
        sign_in(page, args.base_url, args.email, args.password)
        capture(page, args.base_url, args.paths, width, args.out)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--paths", nargs="*", default=[], help="captured signed in")
    parser.add_argument("--public", nargs="*", default=[], help="captured signed out")
    parser.add_argument("--widths", default="1280,390")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.base_url = args.base_url.rstrip("/")
    if args.paths and not (args.email and args.password):
        parser.error("--paths needs --email and --password")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for width in (int(w) for w in args.widths.split(",")):
            shoot(browser, args, width)
        browser.close()


if __name__ == "__main__":
    main()
