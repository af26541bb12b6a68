"""Notification types: what can be told to whom, registered by the apps that own the events.

An app registers its types from ``AppConfig.ready()`` (``<app>/notifications_hooks.py``), so
notifications imports no domain app: ``pipelines`` registers "A deal I own was won", ``agents``
"An AI draft is ready", and so on. The engine (``notifications.subscriber``) reads the registry
for every dispatched event; the preferences page, the API and the admin list it.
See docs/architecture/notifications.md and docs/contributing/add-a-notification-type.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from notifications.models import Channel

if TYPE_CHECKING:
    from accounts.models import Membership, User
    from automation.models import Event
    from notifications.models import Notification

IN_APP = Channel.IN_APP.value
EMAIL = Channel.EMAIL.value
TELEGRAM = Channel.TELEGRAM.value
ALL_CHANNELS = (IN_APP, EMAIL, TELEGRAM)


@dataclass(frozen=True)
class Content:
    """What a notice says. ``url`` is a path in the app (made absolute for email/Telegram)."""

    title: str
    body: str = ""
    url: str = ""
    object_type: str = ""
    object_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NotificationType:
    key: str  # "deal.won": stored in notifications and preferences, never renamed
    label: str  # "A deal I own is won" (the preferences page)
    group: str  # "Pipeline": heading on the preferences page
    # Catalogue events that may produce it (empty: produced directly by ``notify``, e.g. the
    # security notices and the "Notify a member" action).
    events: tuple[str, ...]
    # (event) -> ids of the users to tell. The engine drops the event's actor (unless
    # ``notify_actor``), users who are no longer members, and roles without ``perm``.
    recipients: Callable[[Event], Iterable[int]] | None
    # (event, user) -> what to tell this user, or None to tell them nothing after all.
    render: Callable[[Event, User], Content | None] | None
    # The recipient's role must grant this in the event's organization, checked when the notice
    # is created and again when it is sent (never tell anyone about data they cannot see).
    perm: str = "organization.view"
    default_channels: frozenset[str] = frozenset({IN_APP})
    description: str = ""
    # Ignores quiet hours and digests (security notices).
    urgent: bool = False
    notify_actor: bool = False
    # Extra check at send time beyond ``perm`` (e.g. only the chat's assignee):
    # (membership, notification) -> still allowed.
    still_visible: Callable[[Membership, Notification], bool] | None = None
    # Inline keyboard rows under the Telegram message (e.g. approve / reject a draft).
    telegram_buttons: Callable[[Notification], list[list[dict[str, str]]]] | None = None
    # Org admins may not turn this type off by default for everyone (security).
    mandatory: bool = False


_types: dict[str, NotificationType] = {}


def register_type(notification_type: NotificationType) -> None:
    """Add (or replace, for reloads and tests) a notification type."""
    if not set(notification_type.default_channels) <= set(ALL_CHANNELS):
        raise ValueError(f"Unknown channel in {notification_type.key!r}")
    _types[notification_type.key] = notification_type


def notification_types() -> dict[str, NotificationType]:
    """Every registered type, in registration order."""
    return dict(_types)


def notification_type(key: str) -> NotificationType | None:
    return _types.get(key)


def types_for_event(name: str) -> list[NotificationType]:
    return [t for t in _types.values() if name in t.events]
