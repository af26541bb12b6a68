"""Settings → Telegram history: upload a Telegram Desktop export, watch it import, read what
was skipped.

The upload goes through ``messaging.services.history``; the detail page polls a small partial
every second while the import runs and reloads itself into the report when it finishes (the
same pattern as the CSV import pages).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.errors import DomainError
from accounts.forms import DomainErrorForm
from accounts.tenancy import get_org_object_or_404, org_required
from messaging.models import HistoryImport, TelegramBot
from messaging.services import history as history_services

RECENT_IMPORTS = 10
REPORT_ROWS = 200
RUNNING = (HistoryImport.Status.UPLOADED, HistoryImport.Status.QUEUED, HistoryImport.Status.RUNNING)


class HistoryUploadForm(DomainErrorForm):
    bot = forms.ModelChoiceField(
        label="Add the chats to",
        queryset=TelegramBot.objects.none(),
        empty_label=None,
        help_text="Chats the bot already has are filled in; nothing it already holds is doubled.",
    )
    file = forms.FileField(
        label="Export file",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip,application/json"}),
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = TelegramBot.objects.filter(
            organization=organization, is_active=True
        ).order_by("name")
        limit = settings.TELEGRAM_HISTORY_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = (
            "result.json (Machine-readable JSON), or the export folder zipped to bring photos "
            f"and files too. Up to {limit} MB."
        )


@org_required("history.import")
def history_upload(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    form = HistoryUploadForm(organization=organization)
    if request.method == "POST":
        form = HistoryUploadForm(request.POST, request.FILES, organization=organization)
        if form.is_valid():
            try:
                job = history_services.history_import_upload(
                    organization=organization,
                    actor=request.user,
                    file=form.cleaned_data["file"],
                    bot=form.cleaned_data["bot"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                return redirect("messaging:history_detail", pk=job.pk)
    recent = list(
        HistoryImport.objects.filter(organization=organization)
        .select_related("bot", "created_by")
        .order_by("-created_at")[:RECENT_IMPORTS]
    )
    for job in recent:
        job.file_label = PurePath(job.file.name).name
    return render(
        request,
        "messaging/history_upload.html",
        {"form": form, "recent": recent, "has_bots": form.fields["bot"].queryset.exists()},
    )


def _job(request: HttpRequest, pk: int) -> HistoryImport:
    return get_org_object_or_404(
        HistoryImport.objects.select_related("bot", "created_by"), request.org.organization, pk=pk
    )


@org_required("history.import")
def history_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the import runs, the report once it finished."""
    job = _job(request, pk)
    report = [
        {**item, "when": datetime.fromisoformat(item["date"]) if item.get("date") else None}
        for item in job.report[:REPORT_ROWS]
    ]
    job.file_label = PurePath(job.file.name).name
    context = {"job": job, "running": job.status in RUNNING, "report": report}
    return render(request, "messaging/history_detail.html", context)


@org_required("history.import")
def history_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial; once the import finished, tell htmx to reload into the report."""
    job = _job(request, pk)
    if job.status not in RUNNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "messaging/history_progress.html", {"job": job})
