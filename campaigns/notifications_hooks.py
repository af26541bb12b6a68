"""What campaigns tell the member behind a campaign (``notifications.registry``): it finished,
or its messages are failing. Registered from ``CampaignsConfig.ready()``.

"Behind a campaign" is the member who created it and the member it sends as (who launched it).
A failing campaign emits ``campaign.send_failed`` once per recipient; a member hears about it at
most once an hour while the previous notice is unread, instead of once per refused message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse

from campaigns.models import Campaign, CampaignSend, Recipient
from notifications.models import Notification
from notifications.registry import EMAIL, IN_APP, Content, NotificationType, register_type

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import Membership, User
    from automation.models import Event

FAILING = "campaign.failing"
# A second "failing" notice while the first is unread waits this long.
FAILING_QUIET = timedelta(hours=1)


def _campaign(event: Event) -> Campaign | None:
    campaign_id = (event.payload.get("campaign") or {}).get("id")
    return Campaign.objects.filter(pk=campaign_id, organization_id=event.organization_id).first()


def campaign_recipients(event: Event) -> Iterable[int]:
    """The campaign's creator and its sender."""
    campaign_id = (event.payload.get("campaign") or {}).get("id")
    people = (
        Campaign.objects.filter(pk=campaign_id, organization_id=event.organization_id)
        .values_list("created_by_id", "sender_id")
        .first()
    )
    return {user_id for user_id in people or () if user_id is not None}


def _content(campaign: Campaign, title: str, body: str) -> Content:
    return Content(
        title=title,
        body=body,
        url=reverse("campaigns:campaign_detail", args=[campaign.pk]),
        object_type="campaign",
        object_id=campaign.pk,
    )


def completed_render(event: Event, user: User) -> Content | None:
    campaign = _campaign(event)
    if campaign is None:
        return None
    counts = Recipient.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"),
        replied=Count("pk", filter=Q(status=Recipient.Status.REPLIED)),
        failed=Count("pk", filter=Q(status=Recipient.Status.FAILED)),
    )
    body = (
        f"{counts['total']} recipients: {counts['replied']} replied, {counts['failed']} "
        "could not be reached."
    )
    return _content(campaign, f"Campaign “{campaign.name}” finished", body)


def failing_render(event: Event, user: User) -> Content | None:
    """None while the member has an unread "failing" notice of this campaign from the hour
    before this failure."""
    campaign = _campaign(event)
    if campaign is None:
        return None
    if Notification.objects.filter(
        user=user,
        type=FAILING,
        object_type="campaign",
        object_id=campaign.pk,
        read_at__isnull=True,
        created_at__gte=event.created_at - FAILING_QUIET,
    ).exists():
        return None
    failed = CampaignSend.objects.filter(
        campaign=campaign, status=CampaignSend.Status.FAILED
    ).count()
    reason = event.payload.get("reason") or ""
    noun = "message" if failed == 1 else "messages"
    body = f"{failed} {noun} could not be delivered so far. Latest: {reason}".strip()
    return _content(campaign, f"Campaign “{campaign.name}” is failing to deliver", body)


def campaign_exists(membership: Membership, notification: Notification) -> bool:
    return Campaign.objects.filter(
        pk=notification.object_id, organization_id=membership.organization_id
    ).exists()


def register() -> None:
    """Called from ``CampaignsConfig.ready()``."""
    register_type(
        NotificationType(
            key="campaign.completed",
            label="My campaign finished",
            group="Campaigns",
            events=("campaign.completed",),
            recipients=campaign_recipients,
            render=completed_render,
            perm="campaign.view",
            default_channels=frozenset({IN_APP, EMAIL}),
            description="Every sequence of a campaign you created or send is done, or it "
            "reached its end date.",
            still_visible=campaign_exists,
        )
    )
    register_type(
        NotificationType(
            key=FAILING,
            label="My campaign's messages are failing",
            group="Campaigns",
            events=("campaign.send_failed",),
            recipients=campaign_recipients,
            render=failing_render,
            perm="campaign.view",
            default_channels=frozenset({IN_APP, EMAIL}),
            description="Telegram refuses messages of a campaign you created or send (at most "
            "one notice an hour while the last one is unread).",
            still_visible=campaign_exists,
        )
    )
