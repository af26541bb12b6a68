"""Pushing notices to their user's open tabs over ``/ws/`` (group ``user.<id>``).

Client messages: ``{"type": "notification.created", "data": {<notification>}}`` and
``{"type": "notification.read", "data": {"ids": [...]}}`` (read in another tab). They carry no
event id: a tab that reconnects reloads its bell count instead of replaying
(static/js/notifications.js).
"""

from __future__ import annotations

import logging
from typing import Any

from automation.realtime import users_send
from notifications.models import Notification

logger = logging.getLogger(__name__)


def notification_message(notification: Notification) -> dict[str, Any]:
    """The client shape of a notice (the API's list items share it)."""
    return {
        "id": notification.pk,
        "type": notification.type,
        "organization": notification.organization_id,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "object_type": notification.object_type,
        "object_id": notification.object_id,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


def _send(messages: list[tuple[int, dict[str, Any]]]) -> None:
    try:
        users_send(messages)
    except Exception:
        # The notice is stored: the bell catches up on the next page or reconnect.
        logger.warning("Could not push %s notification messages", len(messages), exc_info=True)


def push_created(notification: Notification) -> None:
    _send(
        [
            (
                notification.user_id,
                {"type": "notification.created", "data": notification_message(notification)},
            )
        ]
    )


def push_read(user_id: int, ids: list[int]) -> None:
    _send([(user_id, {"type": "notification.read", "data": {"ids": ids}})])
