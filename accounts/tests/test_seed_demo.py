from __future__ import annotations

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts import demo
from accounts.demo import DEMO_PASSWORD, DEMO_USERS, SUPERUSER_EMAIL, demo_organization
from accounts.models import ApiKey, AuditEntry, Invitation, Membership, Organization, User
from accounts.permissions import Role
from accounts.services import api_key_authenticate

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_acme_ventures_with_a_member_of_each_role():
    seed()

    organization = demo_organization()
    roles = dict(
        Membership.objects.filter(organization=organization).values_list("user__email", "role")
    )
    assert organization.name == "Acme Ventures"
    assert roles == {user.email: user.role for user in DEMO_USERS}


def test_demo_organization_does_not_require_mfa():
    seed()

    assert demo_organization().require_mfa is False


def test_demo_users_sign_in_with_the_shared_password(client):
    seed()

    for user in DEMO_USERS:
        response = client.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, user.email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=user.email).pk)
        client.logout()


def test_demo_users_have_verified_primary_emails():
    seed()

    for user in DEMO_USERS:
        assert EmailAddress.objects.filter(email=user.email, verified=True, primary=True).exists()


def test_seed_demo_creates_a_superuser_for_the_django_admin(client):
    seed()

    superuser = User.objects.get(email=SUPERUSER_EMAIL)
    client.force_login(superuser)
    assert superuser.is_superuser and superuser.check_password(DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_seed_demo_leaves_two_pending_invitations():
    seed()

    pending = [i for i in Invitation.objects.filter(organization=demo_organization())]
    assert sorted(i.email for i in pending if i.status == "pending") == [
        "investor@demo.bidi.local",
        "new.hire@demo.bidi.local",
    ]


def test_seed_demo_prints_a_working_api_key_once():
    output = seed()

    secret = re.search(r"bidi_\w+_[\w-]+", output).group(0)
    assert api_key_authenticate(secret).organization == demo_organization()
    assert ApiKey.objects.count() == 1


def test_demo_owner_also_owns_globex_to_switch_to():
    seed()

    owner = User.objects.get(email=DEMO_USERS[0].email)
    owned = Membership.objects.filter(user=owner, role=Role.OWNER)
    assert sorted(owned.values_list("organization__name", flat=True)) == [
        "Acme Ventures",
        "Globex",
    ]


def test_demo_data_is_created_through_services_so_the_audit_log_shows_it():
    seed()

    actions = set(
        AuditEntry.objects.filter(organization=demo_organization()).values_list("action", flat=True)
    )
    assert {"organization.created", "invitation.created", "invitation.accepted"} <= actions
    assert "apikey.created" in actions


def test_seed_demo_says_the_password_is_for_local_demo_only():
    output = seed()

    assert DEMO_PASSWORD in output
    assert "local demo" in output


def test_second_run_says_demo_data_is_already_present_and_creates_nothing():
    seed()
    counts = (User.objects.count(), Organization.objects.count(), Invitation.objects.count())

    output = seed()

    assert "already present" in output
    assert (User.objects.count(), Organization.objects.count(), Invitation.objects.count()) == (
        counts
    )


def test_a_later_features_demo_step_fills_an_existing_demo_database():
    seed()
    seen = []

    @demo.demo_step("tests.contacts")
    def seed_contacts(ctx):
        if seen:
            return False
        seen.append(ctx.organization)
        return True

    try:
        output = seed()
    finally:
        demo._steps.pop("tests.contacts")

    assert seen == [demo_organization()]
    assert "tests.contacts" in output


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed()
    assert not User.objects.exists()


def test_seed_demo_runs_in_production_when_forced(settings):
    settings.IS_PRODUCTION = True

    seed("--force")

    assert demo_organization() is not None
