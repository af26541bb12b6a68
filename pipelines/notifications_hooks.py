"""What the pipeline tells a deal's owner (``notifications.registry``): the deal was assigned to
them, moved to another open stage, won or lost. Registered from ``PipelinesConfig.ready()``.

A move into a won or lost stage emits ``deal.stage_changed`` and then ``deal.won`` /
``deal.lost``: the owner hears "won" (or "lost") once, not "moved" as well. ``deal.moved`` is
only a new position within the same column, which is nobody's news.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.urls import reverse

from notifications.registry import EMAIL, IN_APP, Content, NotificationType, register_type
from pipelines.models import Deal, Stage, StageKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from accounts.models import Membership, User
    from automation.models import Event
    from notifications.models import Notification


def _deal(event: Event) -> dict:
    return event.payload.get("deal") or {}


def _owner(event: Event) -> list[int]:
    owner_id = _deal(event).get("owner_id")
    return [owner_id] if owner_id else []


def assigned_recipients(event: Event) -> Iterable[int]:
    """The owner of a new deal, or the new owner of an edited one."""
    if event.name == "deal.updated" and "owner" not in event.payload.get("changed", []):
        return []
    return _owner(event)


def moved_recipients(event: Event) -> Iterable[int]:
    """The owner, when the deal entered another open stage (won and lost have their own)."""
    kind = (
        Stage.objects.filter(
            organization_id=event.organization_id, pk=event.payload.get("to_stage_id")
        )
        .values_list("kind", flat=True)
        .first()
    )
    return _owner(event) if kind == StageKind.OPEN else []


def _stage_names(event: Event) -> dict[int, str]:
    ids = [event.payload.get("from_stage_id"), event.payload.get("to_stage_id")]
    return dict(
        Stage.objects.filter(
            organization_id=event.organization_id, pk__in=[i for i in ids if i]
        ).values_list("pk", "name")
    )


def _value(deal: dict) -> str:
    try:
        amount = Decimal(deal.get("value") or "0")
    except InvalidOperation:
        return ""
    return f"{amount:,.2f} {deal.get('currency', '')}".strip()


def _by(event: Event) -> str:
    return f"by {event.actor.display_name}" if event.actor is not None else ""


def _content(event: Event, title: str, details: list[str]) -> Content | None:
    """The notice about the event's deal, or None when it was deleted meanwhile."""
    deal = _deal(event)
    if not Deal.objects.filter(pk=deal.get("id"), organization_id=event.organization_id).exists():
        return None
    return Content(
        title=title,
        body=" · ".join(part for part in details if part),
        url=reverse("pipelines:deal_detail", args=[deal["id"]]),
        object_type="deal",
        object_id=deal["id"],
    )


def assigned_render(event: Event, user: User) -> Content | None:
    deal = _deal(event)
    stage = (
        Stage.objects.filter(organization_id=event.organization_id, pk=deal.get("stage_id"))
        .values_list("name", flat=True)
        .first()
    )
    details = [_value(deal), stage or "", f"assigned {_by(event)}" if event.actor else ""]
    return _content(event, f"{deal.get('title')} was assigned to you", details)


def moved_render(event: Event, user: User) -> Content | None:
    deal = _deal(event)
    names = _stage_names(event)
    to_stage = names.get(event.payload.get("to_stage_id"), "another stage")
    from_stage = names.get(event.payload.get("from_stage_id"))
    details = [f"from {from_stage}" if from_stage else "", _by(event)]
    return _content(event, f"{deal.get('title')} moved to {to_stage}", details)


def won_render(event: Event, user: User) -> Content | None:
    deal = _deal(event)
    return _content(event, f"{deal.get('title')} was won", [_value(deal), _by(event)])


def lost_render(event: Event, user: User) -> Content | None:
    deal = _deal(event)
    reason = event.payload.get("lost_reason") or ""
    details = [f"Reason: {reason}" if reason else "No reason given", _by(event)]
    return _content(event, f"{deal.get('title')} was lost", details)


def deal_exists(membership: Membership, notification: Notification) -> bool:
    return Deal.objects.filter(
        pk=notification.object_id, organization_id=membership.organization_id
    ).exists()


def still_owner(membership: Membership, notification: Notification) -> bool:
    """An assignment is news only while the deal is still theirs."""
    return Deal.objects.filter(
        pk=notification.object_id,
        organization_id=membership.organization_id,
        owner_id=membership.user_id,
    ).exists()


def _deal_type(
    key: str,
    label: str,
    events: tuple[str, ...],
    recipients: Callable[[Event], Iterable[int]],
    render: Callable[[Event, User], Content | None],
    channels: frozenset[str],
    description: str,
    still_visible: Callable[[Membership, Notification], bool] = deal_exists,
) -> NotificationType:
    return NotificationType(
        key=key,
        label=label,
        group="Pipeline",
        events=events,
        recipients=recipients,
        render=render,
        perm="deal.view",
        default_channels=channels,
        description=description,
        still_visible=still_visible,
    )


def register() -> None:
    """Called from ``PipelinesConfig.ready()``."""
    in_app_and_email = frozenset({IN_APP, EMAIL})
    for notification_type in (
        _deal_type(
            "deal.assigned",
            "A deal is assigned to me",
            ("deal.created", "deal.updated"),
            assigned_recipients,
            assigned_render,
            in_app_and_email,
            "Someone created a deal with you as its owner, or made you the owner of one.",
            still_visible=still_owner,
        ),
        _deal_type(
            "deal.moved",
            "A deal I own moves to another stage",
            ("deal.stage_changed",),
            moved_recipients,
            moved_render,
            frozenset({IN_APP}),
            "Someone (or an automation) moved your deal to another open stage.",
        ),
        _deal_type(
            "deal.won",
            "A deal I own is won",
            ("deal.won",),
            _owner,
            won_render,
            in_app_and_email,
            "Your deal entered a won stage.",
        ),
        _deal_type(
            "deal.lost",
            "A deal I own is lost",
            ("deal.lost",),
            _owner,
            lost_render,
            in_app_and_email,
            "Your deal entered a lost stage, with the reason given.",
        ),
    ):
        register_type(notification_type)
