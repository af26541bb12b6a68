"""Chats: a plain list of conversations and one chat's transcript with its attachments.

The inbox (assignment, unread state, live updates) is a later issue; this is what is needed to
read what came in and answer it. The composer hands the text and file to ``message_send``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from messaging import selectors
from messaging.forms import MessageComposeForm
from messaging.models import Attachment, Chat

CHATS_PER_PAGE = 50


def _chat_or_404(request: HttpRequest, pk: int) -> Chat:
    chat = selectors.chat_get(request.org.organization, pk)
    if chat is None:
        raise Http404("No such chat")
    return chat


@org_required("message.view")
def chat_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.chats_list(request.org.organization), CHATS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/chat_list.html", {"page": page})


def _transcript(request: HttpRequest, chat: Chat, form: MessageComposeForm) -> HttpResponse:
    return render(
        request,
        "messaging/chat_detail.html",
        {
            "chat": chat,
            "transcript": selectors.chat_messages(chat),
            "form": form,
            "can_send": request.org.has_perm("message.send"),
        },
    )


@org_required("message.view")
def chat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _transcript(request, _chat_or_404(request, pk), MessageComposeForm())


@org_required("message.send")
@require_POST
def chat_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer: queue the message through ``message_send`` and show the transcript."""
    from messaging.services.sending import message_send

    chat = _chat_or_404(request, pk)
    form = MessageComposeForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            message_send(
                chat=chat,
                actor=request.user,
                text=form.cleaned_data["text"].strip(),
                attachments=[upload] if upload else [],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Message queued.")
            return redirect("messaging:chat_detail", pk=chat.pk)
    return _transcript(request, chat, form)


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
