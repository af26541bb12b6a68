"""Receiving updates: the webhook endpoint, and storing an update (shared with long polling).

The endpoint does as little as possible before answering, because Telegram waits for it and
redelivers on timeouts: find the bot, compare the secret header in constant time, parse the
JSON, insert the raw update (``ON CONFLICT DO NOTHING`` on (bot, update_id): a redelivery is
acknowledged and ignored), enqueue processing, answer 200. Errors are 4xx with no side effect:
401 for a missing or wrong ``X-Telegram-Bot-Api-Secret-Token``, 400 for a body that is not an
update, 404 for a bot we do not know (or that was disconnected).

Under ASGI, ``webhook_asgi.TelegramWebhookFastPath`` answers these requests before Django with
the same rules and batched inserts; this view serves WSGI and the test client.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from messaging.models import TelegramBot, TelegramUpdate
from messaging.telegram.tasks_ingest import update_enqueue

SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"
# Telegram's updates are small; a bigger body is not an update.
MAX_BODY_BYTES = 1024 * 1024

_INSERT = (
    f"INSERT INTO {TelegramUpdate._meta.db_table} "  # noqa: S608  (a constant table name)
    "(organization_id, bot_id, update_id, payload, received_at, status, attempts, error) "
    "VALUES (%s, %s, %s, %s, %s, 'pending', 0, '') "
    "ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING id"
)


def update_store(*, organization_id: int, bot_id: int, payload: dict[str, Any]) -> int | None:
    """Insert the raw update; its new id, or None when (bot, update_id) was already stored.

    One statement in autocommit, so the row is durable before we answer or confirm it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT,
            [
                organization_id,
                bot_id,
                int(payload["update_id"]),
                json.dumps(payload),
                timezone.now(),
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse({"ok": False, "description": description}, status=status)


def secret_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of the X-Telegram-Bot-Api-Secret-Token header."""
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def parse_update(body: bytes) -> dict[str, Any] | None:
    """The update in ``body``, or None when it is not one (not JSON, not an object, no integer
    ``update_id``, too big, or a NUL escape PostgreSQL's jsonb cannot store)."""
    if len(body) > MAX_BODY_BYTES or b"\\u0000" in body:
        return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return None
    return payload


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest, bot_id: str) -> HttpResponse:
    bot = (
        TelegramBot.objects.filter(pk=int(bot_id), is_active=True)
        .only("pk", "organization_id", "webhook_secret")
        .first()
        if bot_id.isdigit() and len(bot_id) < 19
        else None
    )
    if bot is None:
        return _error(404, "Unknown bot.")
    if not secret_matches(request.META.get(SECRET_HEADER, ""), bot.webhook_secret):
        return _error(401, "Missing or wrong secret token.")
    payload = parse_update(request.body)
    if payload is None:
        return _error(400, "The body is not a Telegram update (JSON object with an update_id).")
    update_pk = update_store(organization_id=bot.organization_id, bot_id=bot.pk, payload=payload)
    if update_pk is not None:
        update_enqueue(update_pk)
    return HttpResponse(status=200)
