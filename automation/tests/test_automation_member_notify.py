"""The "Notify a member" trigger action: a notice to the member, named after the trigger, in the
app and by email (the channels automation notices have unless the member chose otherwise)."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.errors import ValidationError
from automation.registry import ActionContext
from automation.tests.action_runs import preview_action, run_action
from automation.tests.factories import TriggerFactory
from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import preferences_update


@pytest.fixture
def admin(make_member):
    return make_member("admin")


def _ctx(admin, trigger=None, run_id=None, **kwargs):
    return ActionContext(
        organization=admin.organization,
        actor=admin.user,
        trigger_id=trigger.pk if trigger else None,
        run_id=run_id,
        context={"event": {"name": "deal.won"}, "payload": {}, "deal": {"title": "Acme pilot"}},
        **kwargs,
    )


def test_the_member_is_notified_in_the_app_with_the_rendered_message(
    admin, make_member, django_capture_on_commit_callbacks
):
    bidi = make_member("bidi", organization=admin.organization)
    trigger = TriggerFactory(organization=admin.organization, name="Big wins")

    with django_capture_on_commit_callbacks(execute=True):
        result = run_action(
            "member.notify",
            _ctx(admin, trigger, run_id=7),
            {"member": str(bidi.user.pk), "message": "{{ deal.title }} was won!"},
        )

    [notice] = notifications_for(bidi.user, admin.organization)
    assert notice.type == "automation.notify"
    assert notice.title == "Big wins"
    assert notice.body == "Acme pilot was won!"
    assert result == f"Notified {bidi.user.email} (in-app, email)."


def test_the_member_gets_an_email_with_the_message(
    admin, make_member, django_capture_on_commit_callbacks
):
    bidi = make_member("bidi", organization=admin.organization)
    trigger = TriggerFactory(organization=admin.organization, name="Big wins")

    with django_capture_on_commit_callbacks(execute=True):
        run_action(
            "member.notify",
            _ctx(admin, trigger, run_id=7),
            {"member": str(bidi.user.pk), "message": "{{ deal.title }} was won!"},
        )

    [email] = mail.outbox
    assert email.to == [bidi.user.email]
    assert "Big wins" in email.subject
    assert "Acme pilot was won!" in email.body


def test_a_retried_run_does_not_notify_the_member_twice(admin, make_member):
    bidi = make_member("bidi", organization=admin.organization)
    params = {"member": bidi.user.pk, "message": "Call them back"}

    run_action("member.notify", _ctx(admin, run_id=7), params)
    run_action("member.notify", _ctx(admin, run_id=7), params)
    run_action("member.notify", _ctx(admin, run_id=8), params)

    assert Notification.objects.filter(user=bidi.user).count() == 2


def test_a_member_who_turned_automation_notices_off_is_not_notified(admin, make_member):
    bidi = make_member("bidi", organization=admin.organization)
    preferences_update(
        user=bidi.user,
        changes={("automation.notify", "in_app"): False, ("automation.notify", "email"): False},
    )

    result = run_action(
        "member.notify", _ctx(admin, run_id=7), {"member": bidi.user.pk, "message": "Hi"}
    )

    assert not Notification.objects.filter(user=bidi.user).exists()
    assert result == f"{bidi.user.email} turned automation notifications off: nothing was sent."


def test_the_preview_notifies_nobody(admin):
    text = preview_action(
        "member.notify", _ctx(admin, dry_run=True), {"member": admin.user.pk, "message": "Hi"}
    )

    assert text == f"Would notify {admin.user.email}: Hi"
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"message": "Hi"}, "member"), ({"member": "me", "message": "Hi"}, "member")],
)
def test_the_member_must_belong_to_the_organization(admin, params, field):
    with pytest.raises(ValidationError) as error:
        run_action("member.notify", _ctx(admin), params)

    assert field in error.value.fields


def test_a_member_of_another_organization_is_refused(admin, make_member):
    with pytest.raises(ValidationError) as error:
        run_action("member.notify", _ctx(admin), {"member": make_member().user.pk, "message": "x"})

    assert "member" in error.value.fields


def test_the_message_is_required(admin):
    with pytest.raises(ValidationError) as error:
        run_action("member.notify", _ctx(admin), {"member": admin.user.pk, "message": " "})

    assert "message" in error.value.fields
