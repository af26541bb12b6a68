"""Reads of link previews for the inbox."""

from __future__ import annotations

from collections.abc import Iterable

from messaging.linkpreview.services import message_urls
from messaging.models import LinkPreview, Message
from messaging.models.linkpreviews import url_hash


def link_previews_for(messages: Iterable[Message]) -> dict[int, list[LinkPreview]]:
    """Message id → the cards of its links, in the links' order, in one query.

    Only previews with a card are returned; links still being fetched, refused or failed have
    none (the inbox shows the plain link).
    """
    messages = list(messages)
    wanted: dict[int, list[str]] = {}
    organizations: set[int] = set()
    for message in messages:
        urls = message_urls(message)
        if urls:
            wanted[message.pk] = [url_hash(url) for url in urls]
            organizations.add(message.organization_id)
    if not wanted:
        return {}
    hashes = {key for keys in wanted.values() for key in keys}
    previews = {
        (preview.organization_id, preview.url_hash): preview
        for preview in LinkPreview.objects.filter(
            organization_id__in=organizations,
            url_hash__in=hashes,
            status=LinkPreview.Status.OK,
        )
    }
    by_message = {message.pk: message.organization_id for message in messages}
    result: dict[int, list[LinkPreview]] = {}
    for message_id, keys in wanted.items():
        cards = [
            preview
            for key in keys
            if (preview := previews.get((by_message[message_id], key))) and preview.has_card
        ]
        if cards:
            result[message_id] = cards
    return result
