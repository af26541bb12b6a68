"""Settings → Automations: the triggers (list, form builder, enable/disable, delete, dry run)
and their run log. ``automation.view`` sees every page read-only; ``automation.manage`` changes.

The views only shape forms and read selectors: every definition is validated by
``automation.triggers.services`` (the same rules as the API), and the builder
(static/js/trigger_builder.js) is driven by ``builder_schema``, so a new action, subject or time
source shows up here without touching this module.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from accounts.errors import DomainError, NotFound, PermissionDenied
from accounts.models import Organization
from accounts.tenancy import org_required
from automation.catalog import CATALOG, sample_payload
from automation.forms import TriggerForm
from automation.models import Event, Trigger, TriggerRun
from automation.registry import action_types, subjects, time_sources
from automation.triggers import selectors, services
from automation.triggers.builder import builder_schema
from automation.triggers.conditions import OPERATORS
from automation.triggers.dry_run import trigger_dry_run as dry_run_service

RUNS_PER_PAGE = 50
WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
SAMPLE = "sample"


# --- describing a trigger in words -----------------------------------------------------------


def _cron_words(expression: str) -> str:
    """The common schedules in words ("Every Monday 09:00"); anything else as its cron text."""
    parts = expression.split()
    if len(parts) != 5:
        return f"On schedule “{expression}”"
    minute, hour, day, month, weekday = parts
    if minute.startswith("*/") and hour == day == month == weekday == "*":
        return f"Every {minute[2:]} minutes"
    if not (minute.isdigit() and month == "*"):
        return f"On schedule “{expression}”"
    if hour == "*" and day == weekday == "*":
        return f"Every hour at :{int(minute):02d}"
    if not hour.isdigit():
        return f"On schedule “{expression}”"
    at = f"{int(hour):02d}:{int(minute):02d}"
    if day == "*" and weekday == "*":
        return f"Every day {at}"
    if day == "*" and weekday in ("1-5", "MON-FRI", "mon-fri"):
        return f"Every weekday {at}"
    if day == "*" and weekday.isdigit() and int(weekday) <= 7:
        return f"Every {WEEKDAYS[int(weekday) % 7]} {at}"
    if weekday == "*" and day.isdigit():
        return f"Every month on day {int(day)}, {at}"
    return f"On schedule “{expression}”"


# How an event's verb reads after "When a <noun> …"; any other verb reads "is <verb>".
_VERB_PHRASES = {
    "failed": "fails",
    "finished": "finishes",
    "joined": "joins",
    "progressed": "progresses",
    "stage_changed": "changes stage",
    "status_changed": "changes status",
    "role_changed": "changes role",
    "ownership_transferred": "changes owner",
    "won": "is won",
    "lost": "is lost",
}


def _event_words(event_name: str) -> str:
    """ "message.received" → "When a message is received"; "deal.stage_changed" → "When a
    deal changes stage"."""
    if "." not in event_name:
        return f"When {event_name} happens" if event_name else "When an event happens"
    noun, verb = event_name.split(".", 1)
    noun = noun.replace("_", " ")
    article = "an" if noun[:1] in "aeiou" else "a"
    phrase = _VERB_PHRASES.get(verb) or "is " + verb.replace("_", " ")
    return f"When {article} {noun} {phrase}"


def _relative_words(kind: str, params: dict[str, Any]) -> str:
    source = time_sources().get(kind)
    label = source.label if source else kind
    days = params.get("days")
    if days is not None:
        label = label.replace(" N ", f" {days} ")
    return label


def when_text(trigger: Trigger, organization: Organization) -> str:
    """What starts the trigger, in words, as the list shows it."""
    if trigger.when == Trigger.When.CRON:
        return f"{_cron_words(trigger.cron)} ({organization.time_zone})"
    if trigger.when == Trigger.When.RELATIVE:
        return _relative_words(trigger.relative_kind, trigger.relative_params or {})
    return _event_words(trigger.event_name)


def _event_link(event: Event | None) -> str | None:
    """The event's page, once Settings → Events has one."""
    if event is None:
        return None
    try:
        return reverse("automation:event_detail", args=[event.pk])
    except NoReverseMatch:
        return None


def _sample_payload(event_name: str) -> dict[str, Any]:
    return sample_payload(event_name) if event_name in CATALOG else {}


def _error_place(key: str) -> str:
    """Where an error keyed "conditions.1.0" / "actions.2.stage" is, in words: "Condition 2.1",
    "Action 3 · stage" (positions count from one, as the builder numbers them)."""
    head, _, rest = key.partition(".")
    if head == "conditions" and rest:
        return "Condition " + ".".join(str(int(i) + 1) for i in rest.split(".") if i.isdigit())
    if head == "actions" and rest:
        index, _, param = rest.partition(".")
        place = f"Action {int(index) + 1}" if index.isdigit() else "Actions"
        return place if param in ("", "type") else f"{place} · {param.replace('_', ' ')}"
    if head == "relative_params":
        return f"Wait for · {rest.replace('_', ' ')}"
    return {"event_name": "Event", "relative_kind": "Wait for"}.get(
        key, key.replace("_", " ").capitalize()
    )


# --- helpers ---------------------------------------------------------------------------------


def _field_labels() -> dict[str, str]:
    return {spec.path: spec.label for subject in subjects().values() for spec in subject.fields}


def _conditions_readable(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Condition outcomes with the words the builder uses ("Contact tags", "has the tag")."""
    labels = _field_labels()
    rows = []
    for condition in conditions or []:
        field = str(condition.get("field", ""))
        op = OPERATORS.get(str(condition.get("op", "")))
        label = labels.get(field)
        if label is None and field.startswith("payload."):
            label = "Event data: " + field.removeprefix("payload.").replace("_", " ")
        rows.append(
            {
                **condition,
                "field_label": label or field,
                "op_label": op.label if op else condition.get("op", ""),
                "takes_value": op.takes_value if op else True,
                "actual_text": _shown(condition.get("actual")),
                "value_text": _shown(condition.get("value")),
            }
        )
    return rows


def _shown(value: Any) -> str:
    """A value as members read it: lists joined, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _actions_readable(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    registry = action_types()
    rows = []
    for action in actions or []:
        row = {"type": "", "status": "", "result": "", "error": "", "attempts": 0, **action}
        row["label"] = getattr(registry.get(row["type"]), "label", "")
        rows.append(row)
    return rows


def _trigger_or_404(request: HttpRequest, pk: int) -> Trigger:
    try:
        return selectors.trigger_get(request.org.organization, pk)
    except NotFound as exc:
        raise Http404("No such automation") from exc


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _can_manage(request: HttpRequest) -> bool:
    return request.org.has_perm("automation.manage")


def _row(request: HttpRequest, trigger: Trigger) -> dict[str, Any]:
    return {
        "trigger": trigger,
        "when_text": when_text(trigger, request.org.organization),
        "action_count": len(trigger.actions or []),
        "last_run_label": _status_label(getattr(trigger, "last_run_status", None)),
    }


def _status_label(status: str | None) -> str:
    if not status:
        return ""
    return dict(TriggerRun.Status.choices).get(status, status)


def _editor(
    request: HttpRequest, form: TriggerForm, trigger: Trigger | None, status: int = 200
) -> HttpResponse:
    organization = request.org.organization
    context = {
        "form": form,
        "trigger": trigger,
        "can_manage": _can_manage(request),
        "schema": _compact_schema(builder_schema(organization)),
        "builder_errors": form.builder_errors,
        "time_zone": organization.time_zone,
        "dry_run_events": _dry_run_events(organization, form["event_name"].value() or ""),
    }
    return render(request, "automation/trigger_form.html", context, status=status)


def _compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``builder_schema`` with each field listed once (under "fields", by path) and events and
    time sources naming their fields by path: every event repeats its subjects' fields, which
    would make the page ten times heavier."""
    fields: dict[str, dict[str, Any]] = {}

    def paths(items: list[dict[str, Any]]) -> list[str]:
        for field in items:
            fields.setdefault(field["path"], field)
        return [field["path"] for field in items]

    return {
        **schema,
        "events": [{**event, "fields": paths(event["fields"])} for event in schema["events"]],
        "time_sources": [
            {**source, "fields": paths(source["fields"])} for source in schema["time_sources"]
        ],
        "fields": fields,
    }


def _dry_run_events(organization: Organization, event_name: str) -> list[Event]:
    if not event_name:
        return []
    return list(selectors.events_for_dry_run(organization, event_name))


# --- triggers --------------------------------------------------------------------------------


@org_required("automation.view")
def trigger_list(request: HttpRequest) -> HttpResponse:
    """Every automation with what starts it, its last run and failures in the last day."""
    triggers = selectors.triggers_list(request.org.organization)
    context = {
        "rows": [_row(request, trigger) for trigger in triggers],
        "can_manage": _can_manage(request),
    }
    return render(request, "automation/trigger_list.html", context)


@org_required("automation.manage")
def trigger_create(request: HttpRequest) -> HttpResponse:
    """The builder for a new automation; a POST saves it through ``trigger_create``."""
    if request.method != "POST":
        return _editor(request, TriggerForm(), None)
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger = services.trigger_create(
                organization=request.org.organization,
                actor=request.user,
                data=form.service_data(),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The automation “{trigger.name}” is saved.")
            return redirect("automation:trigger_edit", trigger.pk)
    return _editor(request, form, None, status=400)


@org_required("automation.view")
def trigger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One automation in the builder (read-only without ``automation.manage``)."""
    trigger = _trigger_or_404(request, pk)
    if request.method != "POST":
        return _editor(request, TriggerForm(initial=TriggerForm.initial_from(trigger)), trigger)
    if not _can_manage(request):
        raise PermissionDenied(perm="automation.manage")
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger = services.trigger_update(
                trigger=trigger, actor=request.user, data=form.service_data()
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The automation “{trigger.name}” is saved.")
            return redirect("automation:trigger_edit", trigger.pk)
    return _editor(request, form, trigger, status=400)


@org_required("automation.manage")
@require_POST
def trigger_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn an automation on or off; htmx swaps the list row, a plain post comes back."""
    trigger = _trigger_or_404(request, pk)
    enabled = request.POST.get("enabled") == "1"
    try:
        trigger = services.trigger_set_enabled(trigger=trigger, actor=request.user, enabled=enabled)
    except DomainError as exc:
        if not _is_htmx(request):
            messages.error(request, exc.message)
            return redirect("automation:trigger_list")
        # The row as it was, saying why it could not be switched (e.g. an action is gone).
        context = {"row": _row(request, trigger), "can_manage": True, "toggle_error": exc.message}
        return render(request, "automation/_trigger_row.html", context)
    if _is_htmx(request):
        # The row again, with the list's annotations (last run, failures) re-read.
        trigger = selectors.trigger_get(request.org.organization, trigger.pk)
        context = {"row": _row(request, trigger), "can_manage": True}
        return render(request, "automation/_trigger_row.html", context)
    state = "on" if trigger.enabled else "off"
    messages.success(request, f"“{trigger.name}” is {state}.")
    return redirect("automation:trigger_list")


@org_required("automation.manage")
def trigger_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete the automation and its run log."""
    trigger = _trigger_or_404(request, pk)
    if request.method == "POST":
        try:
            services.trigger_delete(trigger=trigger, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("automation:trigger_edit", trigger.pk)
        messages.success(request, f"The automation “{trigger.name}” is deleted.")
        return redirect("automation:trigger_list")
    context = {"trigger": trigger, "when_text": when_text(trigger, request.org.organization)}
    return render(request, "automation/trigger_delete.html", context)


@org_required("automation.manage")
def trigger_dry_run(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The builder's "Test (dry run)": the unsaved form against a past event or a sample, or
    (GET ?event_name=) the past events to pick from. Nothing is written."""
    organization = request.org.organization
    trigger = _trigger_or_404(request, pk) if pk is not None else None
    if request.method != "POST":
        event_name = request.GET.get("event_name") or (trigger.event_name if trigger else "")
        context = {"dry_run_events": _dry_run_events(organization, event_name)}
        return render(request, "automation/_trigger_dry_run_events.html", context)
    form = TriggerForm(request.POST)
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        return _dry_run_result(request, None, errors, "")
    data = form.service_data()
    event, payload = None, None
    choice = request.POST.get("dry_run_event", SAMPLE)
    if choice and choice != SAMPLE and choice.isdigit():
        event = next(
            (e for e in _dry_run_events(organization, data["event_name"]) if e.pk == int(choice)),
            None,
        )
    if event is None:
        payload = _sample_payload(data["event_name"]) if data["when"] == "event" else {}
    try:
        result = dry_run_service(
            organization=organization, actor=request.user, data=data, event=event, payload=payload
        )
    except DomainError as exc:
        return _dry_run_result(request, None, exc.fields or {"": [exc.message]}, "")
    source = f"event #{event.pk}" if event else "a sample event"
    return _dry_run_result(request, result, {}, source)


def _dry_run_result(
    request: HttpRequest, result: Any, errors: dict[str, list[str]], source: str
) -> HttpResponse:
    context = {
        "result": result,
        "conditions": _conditions_readable(result.conditions) if result else [],
        # The builder also reads them (by key) to mark the rows, as after a save.
        "errors": errors,
        "error_rows": [
            (_error_place(key) if key else "", message)
            for key, messages in errors.items()
            for message in messages
        ],
        "source": source,
    }
    return render(request, "automation/_trigger_dry_run.html", context)


# --- runs ------------------------------------------------------------------------------------


def _day_bound(value: str, time_zone: str, *, end: bool) -> datetime | None:
    """A date from the filter as the first (or last) moment of that day in the org's zone."""
    day = parse_date(value or "")
    if day is None:
        return None
    try:
        zone = ZoneInfo(time_zone)
    except ZoneInfoNotFoundError:
        zone = ZoneInfo("UTC")
    moment = datetime.combine(day, time.min, tzinfo=zone)
    return moment + timedelta(days=1) if end else moment


@org_required("automation.view")
def run_list(request: HttpRequest) -> HttpResponse:
    """The run log, newest first, filtered by automation, status and day range."""
    organization = request.org.organization
    triggers = list(selectors.triggers_list(organization))
    trigger = None
    trigger_id = request.GET.get("trigger", "")
    if trigger_id.isdigit():
        trigger = next((t for t in triggers if t.pk == int(trigger_id)), None)
    status = request.GET.get("status", "")
    if status not in TriggerRun.Status.values:
        status = ""
    since = _day_bound(request.GET.get("since", ""), organization.time_zone, end=False)
    until = _day_bound(request.GET.get("until", ""), organization.time_zone, end=True)
    runs = selectors.runs_list(
        organization, trigger=trigger, status=status or None, since=since, until=until
    )
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": [
            {"run": run, "event_url": _event_link(run.event), "summary": _summary(run)}
            for run in page
        ],
        "triggers": triggers,
        "statuses": TriggerRun.Status.choices,
        "filters": {
            "trigger": trigger.pk if trigger else None,
            "status": status,
            "since": request.GET.get("since", "") if since else "",
            "until": request.GET.get("until", "") if until else "",
        },
        "filtered": bool(trigger or status or since or until),
        "query": query.urlencode(),
        "now": timezone.now(),
    }
    return render(request, "automation/run_list.html", context)


def _summary(run: TriggerRun) -> list[dict[str, str]]:
    """What each action did, in the run log's one line: its result, else its error."""
    return [
        {
            "status": str(action.get("status", "")),
            "text": str(action.get("result") or action.get("error") or action.get("type", "")),
        }
        for action in run.actions_result or []
    ]


@org_required("automation.view")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: what fired it, each condition's outcome and each action's result."""
    try:
        run = selectors.run_get(request.org.organization, pk)
    except NotFound as exc:
        raise Http404("No such run") from exc
    context = {
        "run": run,
        "event_url": _event_link(run.event),
        "when_text": when_text(run.trigger, request.org.organization),
        "conditions": _conditions_readable(run.conditions_result),
        "actions": _actions_readable(run.actions_result),
        "payload_json": json.dumps(run.payload, indent=2, ensure_ascii=False, sort_keys=True),
    }
    return render(request, "automation/run_detail.html", context)
