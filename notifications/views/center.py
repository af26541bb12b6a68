"""The notification center (a page) and the bell's dropdown (an htmx partial): a member's own
notices in the organization they work in, plus their account-level ones (security)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts.tenancy import org_required
from notifications import selectors, services
from notifications.forms import GROUP_ORDER
from notifications.registry import notification_types

PER_PAGE = 20
DROPDOWN_SIZE = 8


def _type_filter(value: str) -> str:
    return value if value in notification_types() else ""


def _type_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The type filter's options under their group, groups as on the preferences page."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for notification_type in notification_types().values():
        groups.setdefault(notification_type.group or "Other", []).append(
            (notification_type.key, notification_type.label)
        )
    order = {name: i for i, name in enumerate(GROUP_ORDER)}
    return sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))


@org_required("notification.view")
@require_GET
def center(request: HttpRequest) -> HttpResponse:
    """All / Unread tabs, a type filter and "Mark all read" (for the filtered type)."""
    organization = request.org.organization
    unread_only = request.GET.get("unread") == "1"
    type_key = _type_filter(request.GET.get("type", ""))
    notices = selectors.notifications_for(request.user, organization)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    if type_key:
        notices = notices.filter(type=type_key)
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    type_query = urlencode({"type": type_key}) if type_key else ""
    context = {
        "page": page,
        "notices": list(page),
        "unread_only": unread_only,
        "type_key": type_key,
        "type_groups": _type_groups(),
        "query": query.urlencode(),
        "type_query": type_query,
        "has_unread": selectors.unread_count(request.user, organization) > 0,
        "filtered": bool(unread_only or type_key),
    }
    return render(request, "notifications/center.html", context)


@org_required("notification.view")
@require_GET
def dropdown(request: HttpRequest) -> HttpResponse:
    """The bell's menu body (latest notices), or ``?count=1``: ``{"unread": n}`` for the bell
    to catch up after its socket reconnected."""
    organization = request.org.organization
    if request.GET.get("count") == "1":
        return JsonResponse({"unread": selectors.unread_count(request.user, organization)})
    return _dropdown(request)


def _dropdown(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    notices = list(selectors.notifications_for(request.user, organization)[:DROPDOWN_SIZE])
    context = {
        "notices": notices,
        "unread_count": selectors.unread_count(request.user, organization),
    }
    return render(request, "notifications/_dropdown.html", context)


@org_required("notification.view")
@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go where it leads (the center when it leads nowhere)."""
    notification = get_object_or_404(
        selectors.notifications_for(request.user, request.org.organization), pk=pk
    )
    services.notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:center")


@org_required("notification.view")
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    """Mark every unread notice read, only those of the filtered type when there is one.
    From the dropdown (htmx) the fresh menu body comes back; else the center, filters kept."""
    type_key = _type_filter(request.POST.get("type", ""))
    services.notifications_mark_all_read(
        user=request.user, organization=request.org.organization, type_key=type_key
    )
    if request.headers.get("HX-Request") and request.POST.get("from") == "dropdown":
        return _dropdown(request)
    url = reverse("notifications:center")
    if type_key:
        url += "?" + urlencode({"type": type_key})
    return redirect(url)
