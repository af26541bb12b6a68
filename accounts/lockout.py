"""django-axes glue: which account a failed sign-in counts against, and what a locked-out
client sees (the lockout page on the web, the API's error shape under ``/api/``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.signin import lockout_message
from config.exceptions import error_body


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email a sign-in attempt was for, whichever form sent it.

    allauth authenticates with ``email=``, the API too, and axes itself passes ``login=`` when
    it resets attempts after a successful sign-in; without this every failure would count
    against "no username" and lock out the whole IP address instead of one account.
    """
    sources: list[Any] = [credentials or {}]
    if request is not None and request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key in ("email", "login", "username"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None


def axes_lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("locked_out", message), status=429)
    return render(request, "account/lockout.html", {"message": message}, status=429)
