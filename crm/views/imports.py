"""CSV import pages: upload → mapping (suggested, editable) and dedupe mode → preview of the
first rows with each cell checked → start → live progress → report with the failed rows.

Every step goes through ``crm.services.imports``; these views turn form input into service
calls and service errors into messages next to the fields. The progress page polls a small
partial every second and reloads itself into the report when the run finishes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.forms import DomainErrorForm
from accounts.tenancy import org_required
from crm import csv_formats, selectors
from crm.import_fields import CUSTOM_PREFIX
from crm.models import Entity, ImportJob
from crm.normalize import phone_regions
from crm.services import exports as export_services
from crm.services import imports as import_services

Status = ImportJob.Status
RECENT_IMPORTS = 10
REPORT_ERRORS = 100


class UploadForm(DomainErrorForm):
    entity = forms.ChoiceField(
        label="What the file holds",
        choices=[(Entity.CONTACT, "Contacts (people)"), (Entity.COMPANY, "Companies")],
        widget=forms.RadioSelect,
        initial=Entity.CONTACT,
    )
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 or Windows-1251, separated by commas, semicolons or tabs. Up to 50 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,text/csv"}),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        limit = import_services.size_label(max_bytes)
        self.fields[
            "file"
        ].help_text = (
            f"UTF-8 or Windows-1251, separated by commas, semicolons or tabs. Up to {limit}."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(import_services.too_large_message(upload.size))
        return upload


class MappingForm(DomainErrorForm):
    """One choice per CSV column (``col_<n>``), and the dedupe mode."""

    dedupe_mode = forms.ChoiceField(
        label="When a row matches an existing record",
        choices=[
            (ImportJob.DedupeMode.UPDATE, "Update it: fill in the mapped fields, add tags"),
            (ImportJob.DedupeMode.SKIP, "Skip the row: leave the existing record as it is"),
        ],
        widget=forms.RadioSelect,
    )
    phone_region = forms.ChoiceField(
        label="Phone numbers without a country code are from",
        required=False,
        help_text="E.g. Russia for 8 916 123-45-67. Numbers written with + and a country code "
        "are read as written.",
    )

    def __init__(self, *args: Any, job: ImportJob, targets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = [(t.key, t.label) for t in targets if not t.key.startswith(CUSTOM_PREFIX)]
        custom = [(t.key, t.label) for t in targets if t.key.startswith(CUSTOM_PREFIX)]
        choices: list[Any] = [("", "Don’t import")]
        label = "Contact fields" if job.entity == Entity.CONTACT else "Company fields"
        choices.append((label, base))
        if custom:
            choices.append(("Custom fields", custom))
        self.columns = []
        for index, header in enumerate(job.headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(label=header, choices=choices, required=False)
            self.initial.setdefault(name, job.mapping.get(header, ""))
            self.columns.append((header, name))
        self.initial.setdefault("dedupe_mode", job.dedupe_mode)
        self.fields["phone_region"].choices = [
            ("", "Nowhere: every number has its country code"),
            *phone_regions(),
        ]
        self.initial.setdefault("phone_region", job.phone_region)
        self.has_phone_column = job.entity == Entity.CONTACT

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(name) or "" for header, name in self.columns}


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    job = selectors.import_get(request.org.organization, pk)
    if job is None:
        raise Http404("No such import")
    return job


def _list_url(entity: str) -> str:
    return reverse("crm:contact_list" if entity == Entity.CONTACT else "crm:company_list")


@org_required("crm.import")
def import_start(request: HttpRequest) -> HttpResponse:
    """The upload page (with the recent imports); a POST sniffs the file and goes to mapping."""
    max_bytes = import_services.max_bytes()
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > max_bytes + 64 * 1024:
            # Refused before Django parses (and spools) the upload.
            form = UploadForm(initial={"entity": request.GET.get("entity")}, max_bytes=max_bytes)
            error = import_services.too_large_message(length)
            return _upload_page(request, form, status=413, upload_error=error)
        form = UploadForm(request.POST, request.FILES, max_bytes=max_bytes)
        if form.is_valid():
            try:
                job = import_services.import_upload(
                    organization=request.org.organization,
                    actor=request.user,
                    entity=form.cleaned_data["entity"],
                    file=form.cleaned_data["file"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                return redirect("crm:import_mapping", pk=job.pk)
        return _upload_page(request, form, status=400)
    entity = request.GET.get("entity")
    initial = {"entity": entity if entity in Entity.values else Entity.CONTACT}
    return _upload_page(request, UploadForm(initial=initial, max_bytes=max_bytes))


def _upload_page(
    request: HttpRequest, form: UploadForm, status: int = 200, upload_error: str = ""
) -> HttpResponse:
    recent = selectors.imports_list(request.org.organization)[:RECENT_IMPORTS]
    entity = form["entity"].value() if form["entity"].value() in Entity.values else Entity.CONTACT
    context = {
        "form": form,
        "recent": recent,
        "upload_error": upload_error,
        "list_url": _list_url(entity),
        "entity_plural": "Contacts" if entity == Entity.CONTACT else "Companies",
    }
    return render(request, "crm/imports/upload.html", context, status=status)


@org_required("crm.import")
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Which field each column goes to, and what to do with rows matching existing records."""
    job = _job_or_404(request, pk)
    if job.status != Status.UPLOADED:
        return redirect("crm:import_detail", pk=job.pk)
    targets = import_services.import_targets(job)
    form = MappingForm(request.POST or None, job=job, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            import_services.import_configure(
                job=job,
                actor=request.user,
                mapping=form.mapping(),
                dedupe_mode=form.cleaned_data["dedupe_mode"],
                phone_region=form.cleaned_data["phone_region"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            for message in exc.fields.get("mapping", [])[1:]:
                form.add_error(None, message)
        else:
            return redirect("crm:import_preview", pk=job.pk)
    samples = import_services.import_samples(job=job)
    rows = [(header, form[name], samples.get(header, [])) for header, name in form.columns]
    return render(
        request,
        "crm/imports/mapping.html",
        {
            "job": job,
            "form": form,
            "rows": rows,
            "encoding_label": csv_formats.ENCODING_LABELS.get(job.encoding, job.encoding),
            "delimiter_label": csv_formats.DELIMITER_NAMES.get(job.delimiter, job.delimiter),
        },
        status=400 if form.errors else 200,
    )


@org_required("crm.import")
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The first rows as the import will read them, every cell checked."""
    job = _job_or_404(request, pk)
    if job.status != Status.UPLOADED:
        return redirect("crm:import_detail", pk=job.pk)
    preview = import_services.import_preview(job=job)
    return render(request, "crm/imports/preview.html", {"job": job, "preview": preview})


@org_required("crm.import")
@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        import_services.import_start(job=job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        if job.status == Status.UPLOADED:
            return redirect("crm:import_mapping", pk=job.pk)
    return redirect("crm:import_detail", pk=job.pk)


@org_required("crm.import")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Live progress while the import runs; the report once it has finished."""
    job = _job_or_404(request, pk)
    if job.status == Status.UPLOADED:
        return redirect("crm:import_mapping", pk=job.pk)
    context = {
        "job": job,
        "list_url": _list_url(job.entity),
        "entity_plural": "Contacts" if job.entity == Entity.CONTACT else "Companies",
    }
    if job.status in import_services.FINISHED:
        context["errors"] = job.row_errors.order_by("line")[:REPORT_ERRORS]
        return render(request, "crm/imports/report.html", context)
    return render(request, "crm/imports/progress.html", context)


@org_required("crm.import")
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the page polls; a finished import makes the page reload."""
    job = _job_or_404(request, pk)
    response = render(request, "crm/imports/_progress.html", {"job": job})
    if job.status in import_services.FINISHED:
        response["HX-Refresh"] = "true"
    return response


@org_required("crm.import")
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The failed rows as CSV, to fix and upload again."""
    job = _job_or_404(request, pk)
    lines = export_services.import_errors_csv(job=job, actor=request.user, bom=True)
    stem = job.original_filename.rsplit(".", 1)[0] or "import"
    return export_services.csv_response(request, lines, f"{stem}-failed-rows.csv")
