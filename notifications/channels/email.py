"""Email: one message per notice, or a digest of several, through Django's mail backend.

Every message has a text and an HTML part (templates in notifications/email/), absolute links
(``SITE_URL``), and the unsubscribe headers mail clients show as a button (RFC 2369 and the
RFC 8058 one-click POST). SMTP answers decide what the delivery engine does next: a 4xx, a
refused connection or a timeout is transient (``DeliveryError``: retried with backoff); a 5xx
for the recipient or the message is permanent (``Unreachable``: skipped with the server's
words), as is a user without an email address.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import make_msgid
from typing import NoReturn

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Organization, User
from notifications.errors import DeliveryError, Unreachable
from notifications.models import Delivery, Notification, UserSettings
from notifications.preferences import user_settings, user_zone
from notifications.registry import notification_type
from notifications.unsubscribe import unsubscribe_token

BRAND = "BiDi"
# Seconds to wait for the SMTP server when EMAIL_TIMEOUT is unset: a server that hangs must
# not hold a worker (and the delivery's row lock) for ever.
DEFAULT_TIMEOUT = 30


def send(delivery: Delivery) -> str:
    """Email one notice to its user; returns "Email <message id> to <address>"."""
    notification = delivery.notification
    user = notification.user
    _check_address(user)
    notification_type_ = notification_type(notification.type)
    label = notification_type_.label if notification_type_ is not None else notification.type
    organization = notification.organization
    # Security notices cannot be unsubscribed from: their link stops every other email.
    mandatory = notification_type_ is not None and notification_type_.mandatory
    context = {
        **_common_context(user, type_key="" if mandatory else notification.type),
        "notification": notification,
        "organization": organization,
        "link": _absolute(notification.url) if notification.url else "",
        "type_label": label,
        "reason": _notice_reason(label, organization),
    }
    # A header cannot hold a line break (a chat message's first line may end up in a title).
    title = " ".join(notification.title.split())
    subject = f"[{organization.name}] {title}" if organization else title
    message_id = _send(user, subject=subject, template="notice", context=context)
    return f"Email {message_id} to {user.email}"


def digest_send(user: User, deliveries: list[Delivery]) -> str:
    """Email ``user`` one digest of the notices of ``deliveries`` (grouped by organization,
    oldest first in each group); returns "Digest of <n> (<message id>) to <address>"."""
    _check_address(user)
    notifications = sorted((d.notification for d in deliveries), key=lambda n: (n.created_at, n.pk))
    count = len(notifications)
    context = {
        **_common_context(user, type_key=""),
        "count": count,
        "groups": _groups(notifications),
        "reason": _digest_reason(user),
    }
    subject = f"{BRAND}: {count} notification{'' if count == 1 else 's'}"
    message_id = _send(user, subject=subject, template="digest", context=context)
    return f"Digest of {count} ({message_id}) to {user.email}"


@dataclass(frozen=True)
class DigestItem:
    notification: Notification
    link: str

    @property
    def summary(self) -> str:
        """The body on one line and shortened: a digest is for skimming."""
        return Truncator(" ".join(self.notification.body.split())).chars(300)


@dataclass(frozen=True)
class DigestGroup:
    name: str  # the organization's name, or "Your account" for account-level notices
    items: list[DigestItem]


def _groups(notifications: Iterable[Notification]) -> list[DigestGroup]:
    """Notices by organization, groups in the order their first notice arrived."""
    grouped: dict[int | None, list[DigestItem]] = {}
    names: dict[int | None, str] = {}
    for notification in notifications:
        key = notification.organization_id
        names[key] = notification.organization.name if notification.organization else "Your account"
        link = _absolute(notification.url) if notification.url else ""
        grouped.setdefault(key, []).append(DigestItem(notification, link))
    return [DigestGroup(names[key], items) for key, items in grouped.items()]


def _check_address(user: User) -> None:
    if not user.email:
        raise Unreachable("The user has no email address.")


def _absolute(path: str) -> str:
    if path.startswith(("https://", "http://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def _common_context(user: User, *, type_key: str) -> dict[str, object]:
    return {
        "brand": BRAND,
        "user": user,
        "site_url": settings.SITE_URL.rstrip("/"),
        "settings_url": _absolute(reverse("notifications:settings")),
        "unsubscribe_url": _unsubscribe_url(user, type_key),
        "unsubscribe_all": not type_key,
    }


def _unsubscribe_url(user: User, type_key: str) -> str:
    token = unsubscribe_token(user=user, type_key=type_key)
    return _absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))


def _notice_reason(label: str, organization: Organization | None) -> str:
    where = f" in {organization.name}" if organization else ""
    return f"You get this because email is on for “{label}”{where}."


def _digest_reason(user: User) -> str:
    digest = user_settings(user).digest
    every = "an hourly" if digest == UserSettings.Digest.HOURLY else "a daily"
    return f"You get this because you chose {every} digest of your notification emails."


def _send(user: User, *, subject: str, template: str, context: dict[str, object]) -> str:
    """Render and send one message; returns its Message-ID."""
    context = {**context, "subject": subject}
    # Times in the templates read in the user's own zone, whichever worker renders them.
    with timezone.override(user_zone(user)):
        text = render_to_string(f"notifications/email/{template}.txt", context).strip() + "\n"
        html = render_to_string(f"notifications/email/{template}.html", context)
    message_id = make_msgid(domain=DNS_NAME.get_fqdn())
    unsubscribe_url = str(context["unsubscribe_url"])
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # An automatic message: out-of-office replies should not answer it (RFC 3834).
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    connection = get_connection(
        fail_silently=False, timeout=settings.EMAIL_TIMEOUT or DEFAULT_TIMEOUT
    )
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _raise_for_reply(code, reply, about_message=True)
    except smtplib.SMTPResponseException as error:
        _raise_for_reply(
            error.smtp_code,
            error.smtp_error,
            about_message=isinstance(error, smtplib.SMTPDataError),
        )
    except OSError as error:  # refused, reset, timed out, dropped (SMTPException is an OSError)
        raise DeliveryError(
            f"Could not reach the mail server: {error or type(error).__name__}"
        ) from error
    return message_id


def _raise_for_reply(code: int, reply: bytes | str, *, about_message: bool) -> NoReturn:
    """A 5xx about the recipient or the message will not change on retry; anything else (a
    4xx, or a 5xx about our own login or sender address, which an operator can fix) might."""
    words = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    answer = f"{code} {words}".strip()
    if about_message and 500 <= code < 600:
        raise Unreachable(f"The mail server refused the message: {answer}")
    raise DeliveryError(f"The mail server answered {answer}")
