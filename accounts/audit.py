"""Writing audit entries. Services call ``audit_record``; the request's IP and user agent come
from a context variable the ``AuditContextMiddleware`` sets, so no service needs a request."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models

from accounts.models import AuditEntry, Organization, User


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None = None
    user_agent: str = ""


request_meta_var: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar(
    "audit_request_meta", default=None
)


def request_meta_from_headers(meta: dict[str, Any]) -> RequestMeta:
    # REMOTE_ADDR is what the ASGI server saw; behind a proxy, run with the proxy-headers option
    # of uvicorn/daphne so it is the client's address, never trust X-Forwarded-For blindly here.
    return RequestMeta(
        ip_address=meta.get("REMOTE_ADDR") or None,
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:400],
    )


def audit_record(
    *,
    action: str,
    actor: User | None,
    organization: Organization | None = None,
    target: models.Model | None = None,
    metadata: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    meta = request_meta_var.get() or RequestMeta()
    return AuditEntry.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:254] if target is not None else "",
        ip_address=meta.ip_address,
        user_agent=meta.user_agent,
        metadata=metadata or {},
    )
