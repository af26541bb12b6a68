"""Tenant isolation, proven by walking every route.

Organization B gets one object of every org-owned model, with every free-text field set to a
marker. Members of organization A, in each role and with each way of authenticating, then call
every API route and every web URL — with B's primary keys wherever a URL takes one, and with B's
keys in every foreign-key field of every create payload. The test asserts that:

- no response ever contains B's marker (nothing of B is listed or read),
- no row of B changed (nothing of B is written or deleted),
- each API action and web page answers 403 exactly when the role lacks its permission.

Routes, models and factories are discovered, so features added later are covered without
editing this file: a new org-owned model only needs a factory in ``<app>/tests/factories.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.api_base import OrgScopedViewSet
from accounts.models import AuditEntry, Membership, Organization, OrgOwned
from accounts.permissions import Role, role_has_perm
from accounts.services import api_key_create
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.model_factories import model_factories

MARKER = "zzbmarker"
ROLES = [Role.OWNER, Role.ADMIN, Role.BIDI, Role.VIEWER]
# Web paths served by libraries, not by our views; they are tested where they are configured.
WEB_SKIP_PREFIXES = ("admin/", "api/", "accounts/", "static/", "media/")
WEB_SKIP_NAMES = {"healthz", "readyz", "api_schema", "api_docs"}
ID_CONVERTER = re.compile(r"<int:(\w+)>")
# DRF routers write detail routes as regexes: (?P<pk>[^/.]+)
REGEX_PARAM = re.compile(r"\(\?P<(\w+)>\[\^/\.\]\+\)")


# --- discovery --------------------------------------------------------------------------------


def org_owned_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, OrgOwned) and not m._meta.abstract and not m._meta.proxy
    ]


@dataclass(frozen=True)
class Route:
    path: str  # with {name} placeholders
    params: tuple[str, ...]
    callback: Any
    name: str | None


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[Route]:
    """Yield every URL with its integer parameters as ``{name}`` placeholders.

    Routes keyed by tokens or slugs, and DRF's ``.json`` format-suffix twins, are left out.
    """
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern).lstrip("^")
        if isinstance(entry, URLResolver):
            yield from walk(entry, pattern.rstrip("$"))
            continue
        if not isinstance(entry, URLPattern) or "(?P<format>" in pattern:
            continue
        pattern = pattern.rstrip("$")
        pattern = REGEX_PARAM.sub(lambda m: "<int:" + m.group(1) + ">", pattern)
        if re.search(r"<(?!int:)[^>]+>|\(\?P<", pattern):
            continue
        yield Route(
            path=ID_CONVERTER.sub(lambda m: "{" + m.group(1) + "}", pattern),
            params=tuple(ID_CONVERTER.findall(pattern)),
            callback=entry.callback,
            name=entry.name,
        )


def api_routes() -> list[Route]:
    """Every DRF view mounted under /api/v1/ (viewsets and plain API views)."""
    return [
        r
        for r in walk(get_resolver())
        if r.path.startswith("api/v1/") and getattr(r.callback, "cls", None) is not None
    ]


def route_methods(route: Route) -> list[str]:
    actions = getattr(route.callback, "actions", None)
    if actions is not None:
        return [m for m in actions if m not in ("options", "head")]
    cls = route.callback.cls
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]


def is_public(route: Route) -> bool:
    return any(p is AllowAny for p in route.callback.cls.permission_classes)


def route_model(route: Route, organization: Organization) -> type[models.Model] | None:
    cls = route.callback.cls
    if not issubclass(cls, OrgScopedViewSet):
        return None
    try:
        return cls().get_org_queryset(organization).model
    except Exception:
        return None


def web_routes() -> list[Route]:
    return [
        r
        for r in walk(get_resolver())
        if not r.path.startswith(WEB_SKIP_PREFIXES) and r.name not in WEB_SKIP_NAMES
    ]


# --- the two organizations --------------------------------------------------------------------


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    members_a: dict[str, Any]
    objects_b: dict[type[models.Model], models.Model]
    b_pks: list[int]


def _mark_text_fields(obj: models.Model, n: int) -> None:
    """Put the marker in every free-text field, so any leak of the row shows in a response."""
    changed = []
    for field in obj._meta.concrete_fields:
        if field.choices or field.primary_key or getattr(field, "remote_field", None):
            continue
        if isinstance(field, models.EmailField):
            value = f"{MARKER}{n}@b.example"
        elif isinstance(field, models.SlugField):
            value = f"{MARKER}-{n}"
        elif isinstance(field, models.CharField | models.TextField):
            value = f"{MARKER}{n}"
        else:
            continue
        if field.max_length:
            value = value[: field.max_length]
        setattr(obj, field.attname, value)
        changed.append(field.attname)
    if changed:
        obj.save(update_fields=changed)


def _ids_above(ceiling: int) -> None:
    """Give A's rows ids above every id of B, so a URL with B's id never names a row of A by
    coincidence (A's own contact 5 rightly answers 200 at /contacts/5/)."""
    with connection.cursor() as cursor:
        for model in org_owned_models():
            table, column = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, "
                f"(SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 1) "
                f"FROM {connection.ops.quote_name(table)})))",
                [table, column, ceiling],
            )


@pytest.fixture
def world(db) -> World:
    factories = model_factories()
    missing = [m._meta.label for m in org_owned_models() if m not in factories]
    assert not missing, f"Add factories (in <app>/tests/factories.py) for: {missing}"

    org_a = OrganizationFactory()
    members_a = {}
    for role in ROLES:
        user = UserFactory()
        MembershipFactory(organization=org_a, user=user, role=role)
        members_a[role] = user

    org_b = OrganizationFactory()
    b_owner = UserFactory()
    MembershipFactory(organization=org_b, user=b_owner, role=Role.OWNER)
    objects_b: dict[type[models.Model], models.Model] = {}
    for model in org_owned_models():
        objects_b[model] = factories[model](organization=org_b)
    _ids_above(max([org_b.pk, b_owner.pk, *(obj.pk for obj in objects_b.values())]))
    for model in org_owned_models():
        factories[model](organization=org_a)  # A has data of every kind too
    for n, obj in enumerate([org_b, b_owner, *objects_b.values()], start=1):
        _mark_text_fields(obj, n)
    AuditEntry.objects.create(organization=org_b, action=f"{MARKER}.action", actor_label=MARKER)
    b_pks = sorted({obj.pk for obj in objects_b.values()} | {org_b.pk, b_owner.pk})
    return World(org_a, org_b, members_a, objects_b, b_pks)


def snapshot_b(world: World) -> dict[str, list[dict]]:
    data = {
        "organization": list(Organization.objects.filter(pk=world.org_b.pk).values()),
        "audit": list(AuditEntry.objects.filter(organization=world.org_b).values()),
    }
    for model in org_owned_models():
        rows = model.objects.filter(organization=world.org_b).order_by("pk").values()
        data[model._meta.label] = list(rows)
    return data


def clients_for(world: World, role: str) -> dict[str, Any]:
    user = world.members_a[role]
    session = APIClient()
    session.force_login(user)
    session.defaults["HTTP_X_ORGANIZATION"] = str(world.org_a.pk)
    jwt = APIClient()
    jwt.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}",
        HTTP_X_ORGANIZATION=str(world.org_a.pk),
    )
    clients = {"session": session, "jwt": jwt}
    if role in (Role.OWNER, Role.ADMIN):
        for scope in ("read", "write"):
            issued = api_key_create(
                organization=world.org_a, name=f"isolation {scope}", scopes=[scope], actor=user
            )
            key_client = APIClient()
            key_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
            clients[f"api-key-{scope}"] = key_client
    return clients


def assert_no_leak(response: Any, where: str) -> None:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace").lower()
    assert MARKER not in body, f"{where} leaked organization B's data"


# --- API --------------------------------------------------------------------------------------


def test_routes_are_discovered():
    assert api_routes(), "no org-scoped API route found"
    assert web_routes(), "no web page found"


def _fk_payload(viewset_cls: type, world: World) -> dict[str, Any]:
    """A create payload whose every foreign key points at organization B's objects."""
    payload: dict[str, Any] = {}
    try:
        serializer = viewset_cls().get_serializer_class()()
    except Exception:
        return payload
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        related = field.child_relation if isinstance(field, ManyRelatedField) else field
        if not isinstance(related, PrimaryKeyRelatedField):
            continue
        model = related.queryset.model if related.queryset is not None else None
        target = world.objects_b.get(model) if model is not None else None
        if model is Organization:
            target = world.org_b
        if target is not None:
            payload[name] = [target.pk] if isinstance(field, ManyRelatedField) else target.pk
    return payload


def test_api_never_reads_or_writes_another_organization(world):
    before = snapshot_b(world)
    for role in ROLES:
        for auth, client in clients_for(world, role).items():
            for route in api_routes():
                for url, method, owned_by_b in _api_calls(route, world):
                    payload = _fk_payload(route.callback.cls, world) if method != "get" else None
                    response = getattr(client, method)(url, payload, format="json")
                    where = f"{method.upper()} {url} as {role} via {auth}"
                    assert response.status_code < 500, f"{where} crashed: {response.status_code}"
                    assert_no_leak(response, where)
                    if owned_by_b and method == "get":
                        assert response.status_code in (403, 404), (
                            f"{where} returned {response.status_code}"
                        )
    assert snapshot_b(world) == before, "a request changed organization B's data"


def _api_calls(route: Route, world: World) -> list[tuple[str, str, bool]]:
    """(url, method, whether the URL's id surely names an object of B) for every call to try."""
    owned_by_b = True
    if not route.params:
        urls = ["/" + route.path]
        owned_by_b = False
    else:
        model = route_model(route, world.org_b)
        if model in world.objects_b:
            pks = [world.objects_b[model].pk]
        elif model is None and "organization" in route.path:
            pks = [world.org_b.pk]  # routes keyed by organization, outside OrgScopedViewSet
        else:
            pks = world.b_pks  # unknown model: try every id of B (only leaks are asserted)
            owned_by_b = False
        urls = ["/" + route.path.format(**dict.fromkeys(route.params, pk)) for pk in pks]
    return [(url, method, owned_by_b) for url in urls for method in route_methods(route)]


def test_api_answers_403_exactly_when_the_role_lacks_the_permission(world):
    for role in ROLES:
        client = clients_for(world, role)["jwt"]
        for route in api_routes():
            actions = getattr(route.callback, "actions", None)
            if route.params or actions is None:
                continue
            for method, action in list(actions.items()):
                perm = route.callback.cls.action_permissions.get(action)
                if perm is None or method != "get":
                    continue
                response = client.get("/" + route.path)
                allowed = role_has_perm(role, perm)
                where = f"GET /{route.path} ({action}, needs {perm}) as {role}"
                assert (response.status_code == 403) is (not allowed), (
                    f"{where}: {response.status_code}"
                )


def test_api_refuses_unauthenticated_calls(world):
    client = APIClient()
    for route in api_routes():
        if route.params or is_public(route) or "get" not in route_methods(route):
            continue
        response = client.get("/" + route.path)
        assert response.status_code == 401, f"GET /{route.path}: {response.status_code}"


# --- web --------------------------------------------------------------------------------------


def _web_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_web_pages_never_show_or_change_another_organization(world):
    before = snapshot_b(world)
    for role in ROLES:
        client = _web_client(world.members_a[role])
        for route in web_routes():
            if not route.params:
                response = client.get("/" + route.path)
                assert response.status_code < 500, f"GET /{route.path} as {role} crashed"
                assert_no_leak(response, f"GET /{route.path} as {role}")
                continue
            for pk in world.b_pks:
                url = "/" + route.path.format(**dict.fromkeys(route.params, pk))
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    where = f"{method.upper()} {url} as {role}"
                    assert response.status_code in (302, 403, 404, 405), (
                        f"{where} returned {response.status_code}"
                    )
                    if response.status_code == 302:
                        assert MARKER not in response["Location"].lower()
                    assert_no_leak(response, where)
    assert snapshot_b(world) == before, "a web request changed organization B's data"


def _required_perm(callback: Any) -> str | None:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return getattr(view_class, "required_perm", None)
    return getattr(callback, "required_perm", None)


def test_web_pages_answer_403_exactly_when_the_role_lacks_the_permission(world):
    for role in ROLES:
        client = _web_client(world.members_a[role])
        for route in web_routes():
            perm = _required_perm(route.callback)
            if perm is None or route.params:
                continue
            response = client.get("/" + route.path)
            allowed = role_has_perm(role, perm)
            assert (response.status_code == 403) is (not allowed), (
                f"GET /{route.path} (needs {perm}) as {role}: {response.status_code}"
            )


def test_web_pages_require_sign_in(world):
    client = Client()
    for route in web_routes():
        if route.params or _required_perm(route.callback) is None:
            continue
        response = client.get("/" + route.path)
        assert response.status_code == 302, f"GET /{route.path}: {response.status_code}"
        assert "/accounts/login/" in response["Location"]


def test_every_org_owned_model_has_a_factory():
    factories = model_factories()
    assert [m._meta.label for m in org_owned_models() if m not in factories] == []


def test_a_member_of_both_organizations_is_not_a_leak(world):
    """Sanity check of the marker: B's own owner does see B's data."""
    b_owner = Membership.objects.get(organization=world.org_b, role=Role.OWNER).user
    client = APIClient()
    client.force_login(b_owner)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert MARKER in response.content.decode().lower()
