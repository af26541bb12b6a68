"""Settings → Events: the catalogue (every event type with its schema and a sample), the
organization's event log with filters, and one event with what it caused."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.tenancy import org_required
from automation import selectors
from automation.catalog import CATALOG, payload_schema, sample_payload
from automation.event_forms import EventFilterForm

EVENT_PAGE_SIZE = 50


def _pretty(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


_LABEL_KEYS = ("name", "title", "email", "url", "text", "body")


def event_summary(payload: dict) -> str:
    """One line naming what the event is about: the first object's title, name, email…"""
    for value in payload.values():
        if isinstance(value, dict):
            for key in _LABEL_KEYS:
                if isinstance(value.get(key), str) and value[key].strip():
                    return value[key].strip()
    return ""


@org_required("automation.view")
def event_types(request: HttpRequest) -> HttpResponse:
    """The published catalogue; the same for every organization, so whoever builds automations
    may read it."""
    rows = [
        {
            "name": event.name,
            "group": event.name.split(".", 1)[0],
            "version": event.version,
            "description": event.description,
            "visible_to": event.visible_to,
            "fields": list(event.payload.items()),
            "schema": _pretty(payload_schema(event.name)),
            "sample": _pretty(sample_payload(event.name)),
        }
        for event in sorted(CATALOG.values(), key=lambda e: e.name)
    ]
    return render(request, "automation/event_types.html", {"event_types": rows})


@org_required("event.view")
def event_list(request: HttpRequest) -> HttpResponse:
    """Newest first in pages of ``EVENT_PAGE_SIZE``, keyed by id (``?before=``): no count over
    a table that only grows."""
    organization = request.org.organization
    form = EventFilterForm(
        request.GET or None,
        actors=[(u.pk, u.email) for u in selectors.event_actors(organization)],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    since, until = form.window() if filters else (None, None)
    events = selectors.events_list(
        organization,
        name=filters.get("name", ""),
        actor_id=filters.get("actor"),
        since=since,
        until=until,
    )
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(pk__lt=int(before))
    page = list(events[: EVENT_PAGE_SIZE + 1])
    older = page[EVENT_PAGE_SIZE - 1].pk if len(page) > EVENT_PAGE_SIZE else None
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "rows": [(event, event_summary(event.payload)) for event in page[:EVENT_PAGE_SIZE]],
        "older": older,
        "paged": before.isdigit(),
        "query": query.urlencode(),
    }
    return render(request, "automation/event_list.html", context)


@org_required("event.view")
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = request.org.organization
    event = selectors.event_get(organization, pk)
    event_type = CATALOG.get(event.name)
    context = {
        "event": event,
        "event_type": event_type,
        "outdated": event_type is not None and event_type.version != event.version,
        "payload": _pretty(event.payload),
        "runs": list(selectors.event_runs(event)),
        "deliveries": list(selectors.event_deliveries(event)),
    }
    return render(request, "automation/event_detail.html", context)
