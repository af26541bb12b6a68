"""Settings → Templates: the organization's canned responses with variables. Members who write
to prospects (``template.manage``) create them here, edit a row in place (htmx) and delete
them; the composer inserts them by shortcut."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from messaging import selectors
from messaging.forms import ResponseTemplateForm
from messaging.models import ResponseTemplate
from messaging.services import templates as template_services

ROW = "messaging/_template_row.html"


def _template_or_404(request: HttpRequest, pk: int) -> ResponseTemplate:
    template = selectors.response_templates_list(request.org.organization).filter(pk=pk).first()
    if template is None:
        raise Http404("No such template")
    return template


def _row(template: ResponseTemplate, **extra: Any) -> dict[str, Any]:
    return {"row": {"template": template, **extra}}


def _edit_form(template: ResponseTemplate, *args: Any, **kwargs: Any) -> ResponseTemplateForm:
    # Field ids of their own: the create form above uses the plain ones on the same page.
    return ResponseTemplateForm(*args, auto_id=f"template-{template.pk}-%s", **kwargs)


@org_required("template.manage")
def template_list(request: HttpRequest) -> HttpResponse:
    """The templates; a POST creates one."""
    form = ResponseTemplateForm()
    if request.method == "POST":
        form = ResponseTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = template_services.response_template_create(
                    organization=request.org.organization,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"The template “{template.name}” is created.")
                return redirect("messaging:template_list")
    return render(
        request,
        "messaging/settings_templates.html",
        {
            "rows": [
                {"template": template}
                for template in selectors.response_templates_list(request.org.organization)
            ],
            "create_form": form,
            "variables": template_services.template_variables(),
        },
    )


@org_required("template.manage")
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The row's editor (GET), the row back (GET with ``cancel``) or the saved row (POST)."""
    template = _template_or_404(request, pk)
    if request.method == "POST":
        form = _edit_form(template, request.POST)
        if form.is_valid():
            try:
                template = template_services.response_template_update(
                    template=template, actor=request.user, data=form.cleaned_data
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                if request.headers.get("HX-Request") != "true":
                    messages.success(request, "The template is saved.")
                    return redirect("messaging:template_list")
                return render(request, ROW, _row(template, saved=True))
        return render(request, ROW, _row(template, form=form))
    if request.GET.get("cancel"):
        return render(request, ROW, _row(template))
    form = _edit_form(
        template,
        initial={"name": template.name, "shortcut": template.shortcut, "body": template.body},
    )
    form.fields["name"].widget.attrs["autofocus"] = True
    return render(request, ROW, _row(template, form=form))


@org_required("template.manage")
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_or_404(request, pk)
    template_services.response_template_delete(template=template, actor=request.user)
    messages.success(request, f"The template “{template.name}” is deleted.")
    return redirect("messaging:template_list")
