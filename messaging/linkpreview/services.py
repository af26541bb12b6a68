"""Link previews: which URLs a message holds, fetching each (cached per organization) and
announcing the cards of a message (``link_preview.fetched``) so open inboxes render them live.

The network fetch runs outside any transaction (it takes up to ``LINK_PREVIEW_TIMEOUT``); only
the write and the event are transactional.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from automation.events import emit
from messaging.linkpreview.fetch import LinkFetchFailed, LinkRefused, fetch_page
from messaging.linkpreview.parse import MAX_URL, decode_html, parse_card
from messaging.models import LinkPreview, Message
from messaging.models.linkpreviews import url_hash

MAX_URLS_PER_MESSAGE = 3
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»”’'\""


def message_urls(message: Message) -> list[str]:
    """The first ``MAX_URLS_PER_MESSAGE`` distinct http(s) links of a message, in order: hidden
    links (Telegram ``text_link`` entities), links Telegram recognised without a scheme and
    links in the text."""
    found: list[str] = []
    text = message.text or ""
    utf16 = text.encode("utf-16-le")
    for entity in message.entities or []:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "text_link" and isinstance(entity.get("url"), str):
            found.append(entity["url"])
        elif entity.get("type") == "url":
            start, length = entity.get("offset"), entity.get("length")
            if isinstance(start, int) and isinstance(length, int):
                # Telegram counts offsets in UTF-16 code units.
                part = utf16[2 * start : 2 * (start + length)].decode("utf-16-le", "replace")
                found.append(part if "://" in part else f"http://{part}")
    found.extend(match.group(0).rstrip(_TRAILING) for match in _URL.finditer(text))
    urls = [
        url
        for url in dict.fromkeys(found)
        if url.lower().startswith(("http://", "https://")) and len(url) <= MAX_URL
    ]
    return urls[:MAX_URLS_PER_MESSAGE]


def link_preview_payload(preview: LinkPreview) -> dict[str, Any]:
    return {
        "id": preview.pk,
        "url": preview.url,
        "title": preview.title,
        "description": preview.description,
        "image_url": preview.image_url,
        "site_name": preview.site_name,
    }


def link_preview_fetch(*, organization: Organization, url: str) -> LinkPreview:
    """The organization's preview of ``url``: the cached row when fetched within
    ``LINK_PREVIEW_CACHE_HOURS`` (whatever its status), else a new fetch.

    Never raises for the page's sake: refusals and failures are stored with their reason.
    """
    key = url_hash(url)
    fresh_after = timezone.now() - timedelta(hours=settings.LINK_PREVIEW_CACHE_HOURS)
    cached = LinkPreview.objects.filter(organization=organization, url_hash=key).first()
    if cached is not None and cached.fetched_at >= fresh_after:
        return cached
    values: dict[str, Any] = {
        "url": url,
        "final_url": "",
        "title": "",
        "description": "",
        "image_url": "",
        "site_name": "",
        "error": "",
    }
    try:
        page = fetch_page(url)
    except LinkRefused as exc:
        values.update(status=LinkPreview.Status.REFUSED, error=str(exc)[:255])
    except LinkFetchFailed as exc:
        values.update(status=LinkPreview.Status.FAILED, error=str(exc)[:255])
    else:
        card = parse_card(decode_html(page.body, page.charset), page.url)
        values.update(
            final_url=page.url,
            title=card.title,
            description=card.description,
            image_url=card.image_url,
            site_name=card.site_name,
            status=LinkPreview.Status.FAILED if card.is_empty else LinkPreview.Status.OK,
            error="The page has no title or description." if card.is_empty else "",
        )
    preview, _ = LinkPreview.objects.update_or_create(
        organization=organization,
        url_hash=key,
        defaults={**values, "fetched_at": timezone.now()},
    )
    return preview


def link_previews_fetch_for_message(*, message: Message) -> list[LinkPreview]:
    """Fetch the previews of a message's links and, when any has a card, emit
    ``link_preview.fetched`` so inboxes showing the chat add the cards."""
    organization = message.organization
    previews = [
        link_preview_fetch(organization=organization, url=url) for url in message_urls(message)
    ]
    cards = [preview for preview in previews if preview.has_card]
    if cards:
        with transaction.atomic():
            emit(
                organization,
                "link_preview.fetched",
                {
                    "message": message.pk,
                    "chat": message.chat_id,
                    "previews": [link_preview_payload(preview) for preview in cards],
                },
            )
    return previews
