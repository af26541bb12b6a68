"""Reading a page's card from its HTML: OpenGraph first, then Twitter cards, then plain HTML.

Uses the standard library's tolerant ``html.parser`` (no new dependency, and broken HTML is
normal on the web). Everything extracted is text: templates escape it, and the image URL is
kept only when it is absolute http(s).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MAX_TITLE = 300
MAX_DESCRIPTION = 600
MAX_SITE_NAME = 120
MAX_URL = 2000

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)


@dataclass(frozen=True)
class PageCard:
    title: str = ""
    description: str = ""
    image_url: str = ""
    site_name: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.title or self.description or self.image_url)


class _CardParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.title_done:
            self.in_title = True
        elif tag == "meta":
            values = {name.lower(): value or "" for name, value in attrs}
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title = False
            self.title_done = True

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)


def decode_html(body: bytes, charset: str | None) -> str:
    """The page as text: the header's charset, else a ``<meta charset>``, else UTF-8."""
    if not charset:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def parse_card(html: str, page_url: str) -> PageCard:
    """The card of the page at ``page_url`` (relative image URLs resolve against it)."""
    parser = _CardParser()
    # html.parser rarely raises; a card is never worth failing the fetch for.
    with contextlib.suppress(Exception):
        parser.feed(html)
        parser.close()
    meta = parser.meta

    def first(*keys: str) -> str:
        for key in keys:
            value = _clean(meta.get(key, ""))
            if value:
                return value
        return ""

    title = first("og:title", "twitter:title") or _clean("".join(parser.title_parts))
    description = first("og:description", "twitter:description", "description")
    image = first("og:image:secure_url", "og:image", "og:image:url", "twitter:image")
    site_name = first("og:site_name", "application-name") or urlsplit(page_url).hostname or ""
    return PageCard(
        title=_cut(title, MAX_TITLE),
        description=_cut(description, MAX_DESCRIPTION),
        image_url=_absolute_http_url(image, page_url),
        site_name=_cut(site_name, MAX_SITE_NAME),
    )


def _clean(value: str) -> str:
    return " ".join(value.split())


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _absolute_http_url(value: str, base: str) -> str:
    if not value:
        return ""
    url = urljoin(base, value)
    if urlsplit(url).scheme not in ("http", "https") or len(url) > MAX_URL:
        return ""
    return url
