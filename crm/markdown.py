"""Notes are written in Markdown and shown as HTML: rendered with ``markdown``, then cleaned by
``nh3`` (an allow-list sanitiser), so a note can never carry script, styles or event handlers."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel", "tg"}


def markdown_render(text: str) -> SafeString:
    """Safe HTML for ``text``. Links open nothing in our origin's name: rel="nofollow noopener"."""
    html = markdown_lib.markdown(text, extensions=["sane_lists", "tables", "fenced_code", "nl2br"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 removed everything not allow-listed above
