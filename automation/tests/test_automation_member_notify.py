"""The "Notify a member" trigger action: an email to the member, named after the trigger (until
notifications land)."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.errors import ValidationError
from automation.registry import ActionContext
from automation.tests.action_runs import preview_action, run_action
from automation.tests.factories import TriggerFactory


@pytest.fixture
def admin(make_member):
    return make_member("admin")


def _ctx(admin, trigger=None, **kwargs):
    return ActionContext(
        organization=admin.organization,
        actor=admin.user,
        trigger_id=trigger.pk if trigger else None,
        run_id=None,
        context={"event": {"name": "deal.won"}, "payload": {}, "deal": {"title": "Acme pilot"}},
        **kwargs,
    )


def test_the_member_gets_an_email_with_the_rendered_message(admin, make_member):
    bidi = make_member("bidi", organization=admin.organization)
    trigger = TriggerFactory(organization=admin.organization, name="Big wins")

    result = run_action(
        "member.notify",
        _ctx(admin, trigger),
        {"member": str(bidi.user.pk), "message": "{{ deal.title }} was won!"},
    )

    [email] = mail.outbox
    assert email.to == [bidi.user.email]
    assert email.subject == "BiDi automation: Big wins"
    assert email.body == "Acme pilot was won!"
    assert result == f"Emailed {bidi.user.email}."


def test_the_preview_sends_nothing(admin):
    text = preview_action(
        "member.notify", _ctx(admin, dry_run=True), {"member": admin.user.pk, "message": "Hi"}
    )

    assert text == f"Would email {admin.user.email}: Hi"
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
