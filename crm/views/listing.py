"""What the contact and company list pages share: the filter panel's fields, the chips of the
filters in force, a page of rows without counting the table, and the htmx answer that swaps
the results and pushes the canonical URL.

The filters themselves (what ``tag=…`` means) live in ``crm.filters``; this module only turns
query parameters into widgets and back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from accounts.errors import ValidationError
from accounts.models import Organization, User
from crm import selectors
from crm.filters import CUSTOM_PREFIX, ListFilters
from crm.forms import SavedViewForm
from crm.models import CustomFieldDefinition, SavedView

PAGE_SIZE = 50
RESULTS_TARGET = "list-results"
FieldType = CustomFieldDefinition.FieldType


@dataclass
class FilterSpec:
    """One control of the filter panel. ``range`` specs read ``<name>_after``/``<name>_before``
    (both days included, as ``crm.filters`` reads them)."""

    name: str
    label: str
    kind: str = "text"  # text | select | range
    options: Sequence[tuple[str, str]] = ()
    value: str = ""
    value_to: str = ""
    empty_label: str = "Any"
    placeholder: str = ""
    datalist: Sequence[str] | Callable[[], Sequence[str]] = ()  # templates call a callable
    errors: list[str] = field(default_factory=list)

    @property
    def params(self) -> tuple[str, ...]:
        if self.kind == "range":
            return (f"{self.name}_after", f"{self.name}_before")
        return (self.name,)

    @property
    def id(self) -> str:
        return "filter-" + self.name.replace(".", "-")

    def read(self, params: Mapping[str, Any]) -> None:
        if self.kind == "range":
            self.value = param(params, f"{self.name}_after")
            self.value_to = param(params, f"{self.name}_before")
        else:
            self.value = param(params, self.name)

    @property
    def is_set(self) -> bool:
        return bool(self.value or self.value_to)

    def display(self) -> str:
        if self.kind == "range":
            if self.value and self.value_to:
                return f"{self.value} – {self.value_to}"
            return f"from {self.value}" if self.value else f"until {self.value_to}"
        if self.kind == "select" and self.value not in dict(self.options):
            return self.value
        if self.kind == "select":
            return dict(self.options).get(self.value, self.value)
        return self.value


@dataclass
class Chip:
    label: str
    value: str
    remove_url: str


@dataclass
class PageSlice:
    rows: list[Any]
    start: int
    end: int
    has_previous: bool
    has_next: bool
    previous_url: str = ""
    next_url: str = ""


@dataclass
class ListState:
    """Everything the list template needs to show the search, filters, sort and views."""

    q: str
    sort: str
    sort_choices: Sequence[tuple[str, str]]
    specs: list[FilterSpec]
    params: list[tuple[str, str]] = field(default_factory=list)  # canonical, without page
    active: list[Chip] = field(default_factory=list)
    current_view: SavedView | None = None

    @property
    def filter_count(self) -> int:
        return sum(1 for spec in self.specs if spec.is_set)

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.filter_count)

    @property
    def sort_param(self) -> str:
        return next((v for k, v in self.params if k == "sort"), "")

    @property
    def query(self) -> str:
        return urlencode(self.params)


def param(params: Mapping[str, Any], name: str) -> str:
    """The last value of ``name``: a QueryDict's or a saved view's (which may hold a list)."""
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist is not None else params.get(name, "")
    if isinstance(values, list | tuple):
        values = values[-1] if values else ""
    return str(values or "").strip()


def owner_spec(members: Iterable[User]) -> FilterSpec:
    return FilterSpec(
        "owner",
        "Owner",
        "select",
        [("me", "Me"), ("none", "No owner"), *((str(m.pk), m.display_name) for m in members)],
    )


def custom_field_specs(definitions: Iterable[CustomFieldDefinition]) -> list[FilterSpec]:
    """Filter controls for custom fields: choices for selects and yes/no, text otherwise."""
    specs = []
    for definition in definitions:
        name = f"{CUSTOM_PREFIX}{definition.key}"
        if definition.field_type in (FieldType.SELECT, FieldType.MULTI_SELECT):
            options = [(o, o) for o in definition.options]
            specs.append(FilterSpec(name, definition.label, "select", options))
        elif definition.field_type == FieldType.BOOL:
            specs.append(
                FilterSpec(name, definition.label, "select", [("yes", "Yes"), ("no", "No")])
            )
        else:
            placeholder = "YYYY-MM-DD" if definition.field_type == FieldType.DATE else ""
            specs.append(FilterSpec(name, definition.label, placeholder=placeholder))
    return specs


def list_state(
    params: Mapping[str, Any],
    *,
    specs: list[FilterSpec],
    sort_choices: Sequence[tuple[str, str]],
    list_url: str,
    current_view: SavedView | None = None,
) -> ListState:
    """Read the filter controls from ``params`` and work out the canonical query and chips."""
    for spec in specs:
        spec.read(params)
    q = param(params, "q")
    sort = param(params, "sort")
    if sort not in dict(sort_choices):
        sort = ""
    canonical: list[tuple[str, str]] = []
    if q:
        canonical.append(("q", q))
    for spec in specs:
        if spec.kind == "range":
            if spec.value:
                canonical.append((spec.params[0], spec.value))
            if spec.value_to:
                canonical.append((spec.params[1], spec.value_to))
        elif spec.value:
            canonical.append((spec.name, spec.value))
    if sort and sort != sort_choices[0][0]:
        canonical.append(("sort", sort))
    state = ListState(
        q=q,
        sort=sort or sort_choices[0][0],
        sort_choices=sort_choices,
        specs=specs,
        params=canonical,
        current_view=current_view,
    )

    def without(names: tuple[str, ...]) -> str:
        rest = [(k, v) for k, v in canonical if k not in names]
        return f"{list_url}?{urlencode(rest)}" if rest else list_url

    if q:
        state.active.append(Chip("Search", f"“{q}”", without(("q",))))
    for spec in specs:
        if spec.is_set:
            state.active.append(Chip(spec.label, spec.display(), without(spec.params)))
    return state


def parse_filters(
    filters_class: type[ListFilters],
    state: ListState,
    *,
    organization: Organization,
    user: User,
) -> ListFilters:
    """``crm.filters`` parsed from the canonical parameters. A value it refuses (a tag that
    no longer exists, a bad date) is dropped from the list and its message shown next to its
    filter, so the page still answers with the rest applied."""
    params = QueryDict(mutable=True)
    for name, value in state.params:
        params.appendlist(name, value)
    try:
        return filters_class.from_params(params, organization=organization, user=user)
    except ValidationError as exc:
        bad = set(exc.fields)
        for spec in state.specs:
            for name in spec.params:
                spec.errors.extend(exc.fields.get(name, []))
        for name in bad:
            params.pop(name, None)
        state.params = [(k, v) for k, v in state.params if k not in bad]
        return filters_class.from_params(params, organization=organization, user=user)


def page_slice(queryset: QuerySet, request: HttpRequest, *, list_url: str, query: str) -> PageSlice:
    """One page of rows and whether more follow, without a ``COUNT(*)`` over the table."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(queryset[offset : offset + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]

    def url(page: int) -> str:
        parts = [query] if query else []
        if page > 1:
            parts.append(f"page={page}")
        return f"{list_url}?{'&'.join(parts)}" if parts else list_url

    return PageSlice(
        rows=rows,
        start=offset + 1 if rows else 0,
        end=offset + len(rows),
        has_previous=number > 1,
        has_next=has_next,
        previous_url=url(number - 1) if number > 1 else "",
        next_url=url(number + 1) if has_next else "",
    )


def is_results_request(request: HttpRequest) -> bool:
    """An htmx request for the results alone (not a history restore, which needs the page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == RESULTS_TARGET
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@dataclass(frozen=True)
class ListPage:
    """What differs between the contact and the company list pages."""

    entity: str  # Entity value
    noun: str
    plural: str
    url_names: dict[str, str]  # list, bulk, create, export, import
    templates: tuple[str, str]  # the page and its results partial
    search_placeholder: str
    sort_choices: Sequence[tuple[str, str]]
    filters_class: type[ListFilters]
    rows: Callable[[Organization, ListFilters], QuerySet]
    # (request, params, tag names, members) -> the filter panel's controls
    specs: Callable[[HttpRequest, Mapping[str, Any], list[str], list[User]], list[FilterSpec]]
    # Called with the page's rows, e.g. to count each company's people for those rows only.
    annotate_rows: Callable[[Organization, list[Any]], None] | None = None


def render_list(request: HttpRequest, config: ListPage) -> HttpResponse:
    """The list page, or for htmx its results: search, filters, sort, a page of rows."""
    ctx = request.org
    organization = ctx.organization
    params, current_view = params_and_view(request, config.entity)
    list_url = reverse(config.url_names["list"])
    tag_names = [tag.name for tag in selectors.tags_list(organization)]
    members = list(selectors.org_members(organization))
    state = list_state(
        params,
        specs=config.specs(request, params, tag_names, members),
        sort_choices=config.sort_choices,
        list_url=list_url,
        current_view=current_view,
    )
    filters = parse_filters(
        config.filters_class, state, organization=organization, user=request.user
    )
    page = page_slice(
        config.rows(organization, filters), request, list_url=list_url, query=state.query
    )
    if config.annotate_rows is not None:
        config.annotate_rows(organization, page.rows)
    can_edit = ctx.has_perm("crm.edit")
    context = {
        "list": state,
        "page": page,
        "entity": config.noun,
        "entity_plural": config.plural,
        "entity_key": config.entity,
        "search_placeholder": config.search_placeholder,
        "list_url": list_url,
        "bulk_url": reverse(config.url_names["bulk"]),
        "create_url": reverse(config.url_names["create"]),
        "import_url": url_or_empty(config.url_names["import"], f"?entity={config.entity}")
        if ctx.has_perm("crm.import")
        else "",
        "export_url": url_or_empty(config.url_names["export"])
        if ctx.has_perm("crm.export")
        else "",
        "save_view_url": reverse("crm:saved_view_create"),
        "view_form": SavedViewForm(),
        "saved_views": selectors.saved_views_list(organization, request.user, config.entity),
        "members": members,
        "tag_names": tag_names,
        "can_edit": can_edit,
        "can_delete": ctx.has_perm("crm.delete"),
        "can_share": can_edit,
    }
    page_template, results_template = config.templates
    return list_response(
        request, page_template=page_template, results_template=results_template, context=context
    )


def list_response(
    request: HttpRequest,
    *,
    page_template: str,
    results_template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The whole page, or for htmx only the results with the canonical URL to push (no empty
    parameters, no default sort)."""
    if is_results_request(request):
        response = render(request, results_template, {**context, "results_only": True})
        params = list(context["list"].params)
        page = request.GET.get("page", "")
        if page.isdigit() and int(page) > 1:
            params.append(("page", page))
        query = urlencode(params)
        response["HX-Push-Url"] = f"{context['list_url']}?{query}" if query else context["list_url"]
        return response
    return render(request, page_template, context)


def params_and_view(
    request: HttpRequest, entity: str
) -> tuple[QueryDict | dict[str, str], SavedView | None]:
    """The filters to apply: a saved view's (``?view=<id>``) or the query string's."""
    raw = request.GET.get("view")
    if raw is None:
        return request.GET, None
    views = selectors.saved_views_list(request.org.organization, request.user, entity)
    view = views.filter(pk=int(raw)).first() if raw.isdigit() else None
    if view is None:
        raise Http404("No such view")
    return view.filters, view


def url_or_empty(name: str, suffix: str = "") -> str:
    """A page's URL, or "" while that page is not built (e.g. another area's)."""
    try:
        return reverse(name) + suffix
    except NoReverseMatch:
        return ""
