"""Message-level pages outside the inbox's own views: retrying a failed message and
downloading an attachment (the conversation pages are messaging/views/inbox.py)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from messaging import selectors
from messaging.models import Attachment

CHATS_PER_PAGE = 50


@org_required("message.send")
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Retry" button of a failed outbound message: ``message_retry`` queues it again.

    For htmx (the inbox bubble posts with ``hx-swap="none"``) the answer is an event, not HTML:
    ``message:retried`` (204) — the ``message.queued`` live event then redraws the bubble — or
    ``message:retry-refused`` with the reason (200, so htmx fires it). Without JavaScript the
    chat is shown again with the outcome as a flash message."""
    from messaging.services.sending import message_retry as retry

    message = selectors.messages_list(request.org.organization).filter(pk=pk).first()
    if message is None:
        raise Http404("No such message")
    error = ""
    try:
        message = retry(message=message, actor=request.user)
    except DomainError as exc:
        error = exc.message
    if request.headers.get("HX-Request") == "true":
        if error:
            response = HttpResponse(status=200)
            trigger = {"message:retry-refused": {"message": message.pk, "error": error}}
        else:
            response = HttpResponse(status=204)
            trigger = {"message:retried": {"message": message.pk}}
        response["HX-Trigger"] = json.dumps(trigger)
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Message queued again.")
    return redirect("messaging:inbox_chat", pk=message.chat_id)


@org_required("message.view")
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get(request.org.organization, pk)
    if attachment is None or attachment.status != Attachment.Status.STORED or not attachment.file:
        raise Http404("No such file")
    inline = attachment.kind in ("photo", "sticker") and request.GET.get("inline") == "1"
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.file_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.mime_type or "application/octet-stream",
    )
