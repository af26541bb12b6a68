"""Liveness and readiness probes for orchestrators and the README's smoke check."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

CELERY_PING_TIMEOUT = 1.0


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests; touches no dependency."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Every dependency a request may need answers: database, Redis and at least one worker.

    Answers within about a second even when the worker or Redis is down.
    """
    redis = _check_redis()
    # The broker is that Redis: without it a ping would only wait on reconnects.
    celery = _check_celery() if redis == "ok" else "error: broker unavailable"
    checks = {"database": _check_database(), "redis": redis, "celery": celery}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "not ready"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_redis() -> str:
    try:
        cache.set("readyz", "1", timeout=5)
        if cache.get("readyz") != "1":
            return "error: value not stored"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_celery() -> str:
    try:
        replies = celery_app.control.ping(timeout=CELERY_PING_TIMEOUT)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok" if replies else "error: no worker answered"
