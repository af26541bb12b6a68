"""One email per notice, through a real SMTP conversation with the fake server."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.tests.factories import OrganizationFactory
from notifications.delivery import delivery_send
from notifications.models import Delivery, Notification
from notifications.registry import EMAIL, Content
from notifications.services import notify

# A registered type (notifications/registrations.py) that goes by email by default and is
# created by calling ``notify`` directly.
TYPE = "automation.notify"


@pytest.fixture
def member(make_member, settings):
    settings.SITE_URL = "https://crm.example.com"
    return make_member("admin", organization=OrganizationFactory(name="Acme Sales"))


def _notice(member, django_capture_on_commit_callbacks, *, source="test:1", **content):
    content = {"title": "Globex moved to Negotiation", "url": "/pipeline/deals/5/", **content}
    with django_capture_on_commit_callbacks(execute=True):
        return notify(
            user=member.user,
            type_key=TYPE,
            content=Content(body="Call Maria before Friday.", **content),
            source=source,
            organization=member.organization,
        )


def _email_delivery(notification: Notification) -> Delivery:
    return Delivery.objects.get(notification=notification, channel=EMAIL)


def test_notice_arrives_with_subject_text_html_link_and_unsubscribe_headers(
    member, smtp_server, django_capture_on_commit_callbacks
):
    notification = _notice(member, django_capture_on_commit_callbacks)

    [received] = smtp_server.received
    assert received.rcpt_tos == [member.user.email]
    assert received.subject == "[Acme Sales] Globex moved to Negotiation"
    link = "https://crm.example.com/pipeline/deals/5/"
    assert "Globex moved to Negotiation" in received.text
    assert "Call Maria before Friday." in received.text
    assert f"Open in BiDi: {link}" in received.text
    assert "Globex moved to Negotiation" in received.html
    assert "Call Maria before Friday." in received.html
    assert f'href="{link}"' in received.html
    assert "Open in BiDi" in received.html
    unsubscribe = received.header("List-Unsubscribe")
    assert unsubscribe.startswith("<https://crm.example.com/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    unsubscribe_url = unsubscribe[1:-1]
    assert f"Unsubscribe from these emails: {unsubscribe_url}" in received.text
    assert f'href="{unsubscribe_url}"' in received.html
    assert "https://crm.example.com/settings/notifications/" in received.text
    delivery = _email_delivery(notification)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert member.user.email in delivery.detail


def test_the_footer_says_why_the_user_gets_the_email(
    member, smtp_server, django_capture_on_commit_callbacks
):
    _notice(member, django_capture_on_commit_callbacks)

    [received] = smtp_server.received
    reason = "You get this because email is on for “An automation notifies me” in Acme Sales."
    assert reason in received.text
    assert reason in received.html


def test_an_account_level_notice_has_no_organization_in_the_subject(
    member, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=member.user,
            type_key=TYPE,
            content=Content(title="Your weekly report is ready"),
            source="test:account",
        )

    [received] = smtp_server.received
    assert received.subject == "Your weekly report is ready"
    assert "Open in BiDi" not in received.text


def test_html_in_a_title_is_escaped_in_the_html_part(
    member, smtp_server, django_capture_on_commit_callbacks
):
    _notice(member, django_capture_on_commit_callbacks, title="<script>alert(1)</script> won")

    [received] = smtp_server.received
    assert "<script>" not in received.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; won" in received.html
    assert "<script>alert(1)</script> won" in received.text


def test_a_title_with_line_breaks_makes_a_one_line_subject(
    member, smtp_server, django_capture_on_commit_callbacks
):
    _notice(member, django_capture_on_commit_callbacks, title="Maria wrote:\nSee you Friday")

    [received] = smtp_server.received
    assert received.subject == "[Acme Sales] Maria wrote: See you Friday"


@pytest.mark.parametrize("code", [421, 451])
def test_a_transient_smtp_answer_retries_later_and_the_retry_sends_it(
    code, member, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.fail_next(code)

    notification = _notice(member, django_capture_on_commit_callbacks)

    delivery = _email_delivery(notification)
    assert smtp_server.received == []
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.due_at > timezone.now()
    assert str(code) in delivery.last_error
    assert delivery_send(delivery.pk) is None  # not due yet: nothing is sent

    retried = delivery_send(delivery.pk, now=delivery.due_at)

    assert retried.status == Delivery.Status.SENT
    assert retried.attempts == 2
    [received] = smtp_server.received
    assert received.subject == "[Acme Sales] Globex moved to Negotiation"


def test_a_mail_server_that_cannot_be_reached_is_retried(
    member, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    notification = _notice(member, django_capture_on_commit_callbacks)

    delivery = _email_delivery(notification)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.due_at > timezone.now()
    assert "Could not reach the mail server" in delivery.last_error


def test_a_mailbox_the_server_refuses_with_550_is_skipped_with_its_reason(
    member, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.reject(member.user.email, code=550, message="5.1.1 No such user here")

    notification = _notice(member, django_capture_on_commit_callbacks)

    delivery = _email_delivery(notification)
    assert smtp_server.received == []
    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.detail == "The mail server refused the message: 550 5.1.1 No such user here"
    assert delivery_send(delivery.pk, now=timezone.now()) is None  # never tried again


def test_a_message_the_server_refuses_after_data_is_skipped(
    member, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.fail_next(554)

    notification = _notice(member, django_capture_on_commit_callbacks)

    delivery = _email_delivery(notification)
    assert delivery.status == Delivery.Status.SKIPPED
    assert "554 5.7.1 Message rejected as spam" in delivery.detail


def test_a_user_without_an_email_address_is_skipped(
    member, smtp_server, django_capture_on_commit_callbacks
):
    member.user.email = ""
    member.user.save(update_fields=["email"])

    notification = _notice(member, django_capture_on_commit_callbacks)

    delivery = _email_delivery(notification)
    assert smtp_server.received == []
    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.detail == "The user has no email address."
