"""Reads for messaging pages and the API: querysets scoped to an organization first."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Organization
from messaging.models import Attachment, Message, ResponseTemplate, TelegramBot


def bots_list(organization: Organization, *, active_only: bool = False) -> QuerySet[TelegramBot]:
    bots = TelegramBot.objects.filter(organization=organization).select_related("connected_by")
    if active_only:
        bots = bots.filter(is_active=True)
    return bots.order_by("-is_active", "name", "pk")


def messages_list(organization: Organization) -> QuerySet[Message]:
    return (
        Message.objects.filter(organization=organization)
        .select_related("chat", "sender_contact", "sender_user")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    )


def attachment_get(organization: Organization, pk: int) -> Attachment | None:
    return Attachment.objects.filter(organization=organization, pk=pk).first()


def response_templates_list(
    organization: Organization, *, search: str = ""
) -> QuerySet[ResponseTemplate]:
    """Canned responses by name; ``search`` matches a shortcut's start or a name's part (the
    composer's "/pri…" completion)."""
    templates = ResponseTemplate.objects.filter(organization=organization).select_related(
        "created_by"
    )
    if search := search.strip():
        shortcut = search if search.startswith("/") else f"/{search}"
        templates = templates.filter(
            Q(shortcut__istartswith=shortcut) | Q(name__icontains=search.lstrip("/"))
        )
    return templates.order_by("name", "id")
