"""The unsubscribe link of notification emails: no sign-in, the signed token is the credential.

GET only asks (link scanners and previews fetch links; they must not unsubscribe anyone); POST
applies. The POST is CSRF-exempt because mail clients send it themselves (RFC 8058 one-click,
body ``List-Unsubscribe=One-Click``) and a forged request could only do what the token holder
may do anyway: stop emails to that token's user.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.errors import ValidationError
from notifications.unsubscribe import unsubscribe_apply, unsubscribe_read


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            result = unsubscribe_apply(token)
            return render(request, "notifications/unsubscribe_done.html", {"result": result})
        asked = unsubscribe_read(token)
    except ValidationError as error:
        return render(
            request,
            "notifications/unsubscribe_invalid.html",
            {"message": error.message, "expired": error.code == "unsubscribe_expired"},
            status=400,
        )
    return render(request, "notifications/unsubscribe.html", {"asked": asked})
