"""The builder of a draft campaign: basics (name, bot), audience (the contacts list's filters,
with a live preview of who is reachable), the steps editor (variants, variable picker, live
preview for a sample contact) and the schedule. Each section saves on its own, so an error in
one never loses what was typed in another."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from campaigns import audience, variables
from campaigns.forms import (
    AudienceFlagsForm,
    CampaignBasicsForm,
    ScheduleForm,
    StepRow,
    apply_op,
    place_step_errors,
    read_rows,
    rows_from_steps,
    steps_payload,
)
from campaigns.models import Campaign, Recipient
from campaigns.services.campaigns import (
    campaign_delete as delete_service,
)
from campaigns.services.campaigns import (
    campaign_steps_set,
    campaign_update,
)
from campaigns.views.common import (
    EDIT,
    active_bots,
    campaign_or_404,
    can_edit,
    save_settings,
    section_url,
)
from crm import selectors as crm_selectors
from crm.filters import ContactFilters
from crm.models import Entity
from crm.views import listing
from crm.views.contacts import LIST as CONTACT_LIST

# Greetings read badly with a blank name: these insert with a fallback word.
DEFAULTS = {"contact.first_name": "there", "contact.full_name": "there"}
AUDIENCE_FLAGS = ("only_never_contacted", "exclude_in_other_campaigns", "dynamic_enrolment")


def snippet(name: str) -> str:
    """What the variable picker inserts for ``name``."""
    default = DEFAULTS.get(name)
    return f'{{{{ {name} | default:"{default}" }}}}' if default else f"{{{{ {name} }}}}"


# --- context --------------------------------------------------------------------------------


def filter_specs(request: HttpRequest, params: Any) -> list[listing.FilterSpec]:
    """The contacts list's filter controls (tags, owner, company, source, dates, custom
    fields), read from ``params`` (a POST or the campaign's saved filters)."""
    organization = request.org.organization
    tag_names = [tag.name for tag in crm_selectors.tags_list(organization)]
    members = list(crm_selectors.org_members(organization))
    specs = CONTACT_LIST.specs(request, params, tag_names, members)
    for spec in specs:
        spec.read(params)
    return specs


def audience_filters_from(
    specs: list[listing.FilterSpec], request: HttpRequest
) -> dict[str, str] | None:
    """The crm.filters parameters the controls hold, or None when one is refused (its message
    is then on its control)."""
    params: dict[str, str] = {}
    for spec in specs:
        if spec.kind == "range":
            if spec.value:
                params[spec.params[0]] = spec.value
            if spec.value_to:
                params[spec.params[1]] = spec.value_to
        elif spec.value:
            params[spec.name] = spec.value
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = value
    try:
        ContactFilters.from_params(query, organization=request.org.organization, user=request.user)
    except ValidationError as exc:
        for spec in specs:
            for name in spec.params:
                spec.errors.extend(exc.fields.get(name, []))
        if not any(spec.errors for spec in specs):
            specs[0].errors.append(exc.message)
        return None
    return params


def saved_view_choices(request: HttpRequest) -> list[tuple[int, str]]:
    views = crm_selectors.saved_views_list(request.org.organization, request.user, Entity.CONTACT)
    return [(view.pk, view.name + (" (shared)" if view.shared else "")) for view in views]


def audience_preview_context(campaign: Campaign) -> dict[str, Any]:
    """The preview's numbers, or the filter error that prevents them."""
    try:
        preview = audience.audience_preview(campaign, sample=10)
    except ValidationError as exc:
        messages_ = [m for found in exc.fields.values() for m in found] or [exc.message]
        return {"preview": None, "preview_errors": messages_}
    reasons = dict(Recipient.Reason.choices)
    unreachable = [
        (reasons.get(reason, reason), count)
        for reason, count in sorted(preview.unreachable.items(), key=lambda item: -item[1])
        if count
    ]
    sample = [
        (contact, reasons.get(reason, reason) if reason else "")
        for contact, reason in preview.sample
    ]
    return {"preview": preview, "unreachable": unreachable, "sample": sample}


def builder_context(
    request: HttpRequest,
    campaign: Campaign,
    *,
    basics: CampaignBasicsForm | None = None,
    flags: AudienceFlagsForm | None = None,
    specs: list[listing.FilterSpec] | None = None,
    audience_errors: list[str] | None = None,
    rows: list[StepRow] | None = None,
    steps_errors: list[str] | None = None,
    steps_saved: bool = False,
    schedule: ScheduleForm | None = None,
) -> dict[str, Any]:
    editable = can_edit(request) and campaign.is_editable
    if basics is None:
        basics = CampaignBasicsForm(
            initial=CampaignBasicsForm.initial_for(campaign), bots=active_bots(request)
        )
    if flags is None:
        flags = AudienceFlagsForm(
            initial=AudienceFlagsForm.initial_for(campaign), views=saved_view_choices(request)
        )
    if specs is None:
        specs = filter_specs(request, campaign.audience_filters or {})
    if rows is None:
        rows = rows_from_steps(list(campaign.steps.all())) or [StepRow()]
    if schedule is None:
        schedule = ScheduleForm(initial=ScheduleForm.initial_for(campaign))
    preview = audience_preview_context(campaign)
    sample_contacts = [contact for contact, reason in preview.get("sample", []) if not reason]
    sample_contacts += [contact for contact, reason in preview.get("sample", []) if reason]
    return {
        "campaign": campaign,
        "editable": editable,
        "can_edit": can_edit(request),
        "basics": basics,
        "flags": flags,
        "specs": specs,
        "audience_errors": audience_errors or [],
        "rows": rows,
        "steps_errors": steps_errors or [],
        "steps_saved": steps_saved,
        "max_steps_reached": len(rows) >= 10,
        "schedule": schedule,
        "variables": [
            {**asdict(v), "snippet": snippet(v.name)}
            for v in variables.campaign_variables(request.org.organization)
        ],
        "sample_contacts": sample_contacts,
        **preview,
    }


def render_builder(request: HttpRequest, campaign: Campaign, **parts: Any) -> HttpResponse:
    return render(request, "campaigns/builder.html", builder_context(request, campaign, **parts))


def _draft_or_redirect(request: HttpRequest, pk: int) -> tuple[Campaign, HttpResponse | None]:
    campaign = campaign_or_404(request, pk)
    if not campaign.is_editable:
        messages.info(request, "This campaign was launched: its audience and steps are fixed.")
        return campaign, redirect("campaigns:campaign_detail", pk=campaign.pk)
    return campaign, None


# --- sections -------------------------------------------------------------------------------


@org_required(EDIT)
@require_POST
def campaign_basics(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, away = _draft_or_redirect(request, pk)
    if away:
        return away
    form = CampaignBasicsForm(request.POST, bots=active_bots(request))
    saved = save_settings(
        request, campaign, form, form.service_data, section="basics", saved="Saved."
    )
    return saved or render_builder(request, campaign, basics=form)


@org_required(EDIT)
@require_POST
def campaign_audience(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, away = _draft_or_redirect(request, pk)
    if away:
        return away
    flags = AudienceFlagsForm(request.POST, views=saved_view_choices(request))
    specs = filter_specs(request, request.POST)
    filters = audience_filters_from(specs, request)
    if flags.is_valid() and filters is not None:
        data = {"audience_view": flags.cleaned_data["audience_view"], "audience_filters": filters}
        data.update({name: flags.cleaned_data[name] for name in AUDIENCE_FLAGS})
        try:
            campaign_update(campaign=campaign, actor=request.user, data=data)
        except ValidationError as exc:
            if "audience_view" in exc.fields:
                flags.add_error("audience_view", exc.fields["audience_view"][0])
            errors = [
                m for key, found in exc.fields.items() if key != "audience_view" for m in found
            ]
            return render_builder(
                request,
                campaign,
                flags=flags,
                specs=specs,
                audience_errors=errors or ([] if exc.fields else [exc.message]),
            )
        messages.success(request, "Audience saved.")
        return redirect(section_url(campaign, "audience"))
    return render_builder(request, campaign, flags=flags, specs=specs)


@org_required(EDIT)
@require_POST
def campaign_audience_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Who the audience being edited reaches, before it is saved (htmx on every change)."""
    campaign = campaign_or_404(request, pk)
    flags = AudienceFlagsForm(request.POST, views=saved_view_choices(request))
    specs = filter_specs(request, request.POST)
    filters = audience_filters_from(specs, request)
    if not flags.is_valid() or filters is None:
        errors = [e for spec in specs for e in spec.errors] or ["Check the audience fields."]
        context: dict[str, Any] = {"preview": None, "preview_errors": errors}
    else:
        draft = Campaign.objects.get(pk=campaign.pk)  # a copy: the preview never saves
        draft.audience_view_id = flags.cleaned_data["audience_view"]
        draft.audience_filters = filters
        for name in AUDIENCE_FLAGS:
            setattr(draft, name, flags.cleaned_data[name])
        context = audience_preview_context(draft)
    return render(request, "campaigns/_audience_preview.html", {"campaign": campaign, **context})


@org_required(EDIT)
@require_POST
def campaign_steps(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the steps, or (``op``) add/remove a step or variant without saving: htmx swaps the
    editor alone, the whole page answers without JavaScript."""
    campaign, away = _draft_or_redirect(request, pk)
    if away:
        return away
    rows = read_rows(request.POST)
    op = request.POST.get("op", "save")
    if op != "save":
        apply_op(rows, op)
        return render_builder(request, campaign, rows=rows)
    payload = steps_payload(rows)
    if payload is None:
        return render_builder(request, campaign, rows=rows)
    try:
        campaign_steps_set(campaign=campaign, actor=request.user, steps=payload)
    except ValidationError as exc:
        rest = place_step_errors(rows, exc.fields)
        if not exc.fields:
            rest = [exc.message]
        return render_builder(request, campaign, rows=rows, steps_errors=rest)
    campaign.refresh_from_db()
    return render_builder(request, campaign, steps_saved=True)


@org_required(EDIT)
@require_POST
def campaign_message_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """One variant's text as the picked sample contact will read it, or its template errors."""
    campaign = campaign_or_404(request, pk)
    # htmx posts the whole editor; the textarea that changed names itself in HX-Trigger-Name.
    name = request.headers.get("HX-Trigger-Name", "") or "body"
    body = request.POST.get(name, "") if name == "body" or name.endswith("-body") else ""
    errors = variables.template_errors(request.org.organization, body) if body.strip() else []
    contact = None
    raw = request.POST.get("preview_contact", "")
    if raw.isdigit():
        contact = crm_selectors.contact_get(request.org.organization, int(raw))
    text = ""
    if not errors and body.strip() and contact is not None:
        text = variables.render_for(campaign, body, contact)
    context = {"errors": errors, "text": text, "contact": contact, "empty": not body.strip()}
    return render(request, "campaigns/_message_preview.html", context)


@org_required(EDIT)
@require_POST
def campaign_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, away = _draft_or_redirect(request, pk)
    if away:
        return away
    form = ScheduleForm(request.POST)
    saved = save_settings(
        request,
        campaign,
        form,
        lambda: form.service_data(campaign),
        section="schedule",
        saved="Schedule saved.",
    )
    return saved or render_builder(request, campaign, schedule=form)


@org_required(EDIT)
@require_POST
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    try:
        delete_service(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.message)
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    messages.success(request, f"Campaign “{campaign.name}” deleted.")
    return redirect("campaigns:campaign_list")
