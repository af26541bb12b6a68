from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.admin_base import OrgAwareModelAdmin
from accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_organization
from accounts.models import ApiKey, AuditEntry, Invitation, Membership, OrgOwned, User
from accounts.permissions import Role
from accounts.tests.factories import (
    ApiKeyFactory,
    AuditEntryFactory,
    InvitationFactory,
    UserFactory,
)
from automation.models import Event, SubscriberReceipt
from tests.model_factories import model_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    call_command("seed_demo", stdout=StringIO())
    Client().post("/accounts/login/", {"login": DEMO_USERS[0].email, "password": DEMO_PASSWORD})
    event = Event.objects.filter(organization=demo_organization()).first()
    SubscriberReceipt.objects.create(event=event, subscriber="realtime")
    return demo_organization()


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root@example.com", "pw-for-tests-1"))
    return client


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def project_models():
    base = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if Path(config.path).is_relative_to(base) and ".venv" not in Path(config.path).parts:
            yield from config.get_models()


def staff_member(role: str, organization, *perms: str) -> User:
    user = UserFactory(is_staff=True)
    Membership.objects.create(organization=organization, user=user, role=role)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def test_every_project_model_is_registered_in_the_admin():
    missing = [m._meta.label for m in project_models() if m not in admin.site._registry]

    assert missing == []


def test_every_org_owned_model_uses_the_org_aware_admin():
    plain = [
        model._meta.label
        for model in project_models()
        if issubclass(model, OrgOwned)
        and not isinstance(admin.site._registry.get(model), OrgAwareModelAdmin)
    ]

    assert plain == []


def test_every_registered_changelist_renders_for_a_superuser(superuser_client, demo_data):
    failures = {}
    for model in admin.site._registry:
        response = superuser_client.get(changelist_url(model))
        if response.status_code != 200:
            failures[model._meta.label] = response.status_code

    assert failures == {}


def test_every_project_change_page_renders_for_a_superuser(superuser_client, demo_data):
    failures = {}
    factories = model_factories()
    for model in project_models():
        obj = model._default_manager.first()
        if obj is None:  # not part of the demo data (e.g. import jobs): make one
            assert model in factories, f"no {model._meta.label} in the demo data nor a factory"
            obj = factories[model]()
        response = superuser_client.get(change_url(obj))
        if response.status_code != 200:
            failures[model._meta.label] = response.status_code

    assert failures == {}


def test_user_search_finds_a_user_by_email(superuser_client, demo_data):
    response = superuser_client.get(changelist_url(User), {"q": "viewer@demo"})

    assert response.context["cl"].result_count == 1
    assert "viewer@demo.bidi.local" in response.text


def test_audit_entries_filter_by_action(superuser_client, demo_data):
    response = superuser_client.get(changelist_url(AuditEntry), {"action": "apikey.created"})

    assert {entry.action for entry in response.context["cl"].result_list} == {"apikey.created"}


def test_invitations_filter_by_status(superuser_client, demo_data):
    response = superuser_client.get(changelist_url(Invitation), {"status": "pending"})

    emails = sorted(i.email for i in response.context["cl"].result_list)
    assert emails == ["investor@demo.bidi.local", "new.hire@demo.bidi.local"]


def test_api_key_pages_never_show_the_hash(superuser_client):
    api_key = ApiKeyFactory()

    pages = [changelist_url(ApiKey), change_url(api_key)]

    for url in pages:
        response = superuser_client.get(url)
        assert response.status_code == 200
        assert api_key.key_hash not in response.text


def test_staff_admin_sees_only_rows_of_their_organization(client, make_member):
    mine = make_member(Role.BIDI)
    theirs = make_member(Role.BIDI)
    staff = staff_member(Role.ADMIN, mine.organization, "accounts.view_membership")
    client.force_login(staff)

    response = client.get(changelist_url(Membership))

    organizations = {m.organization for m in response.context["cl"].result_list}
    assert organizations == {mine.organization}
    assert theirs.organization.name not in response.text


def test_staff_viewer_sees_no_rows_of_their_organization(client, make_member):
    mine = make_member(Role.BIDI)
    staff = staff_member(Role.VIEWER, mine.organization, "accounts.view_membership")
    client.force_login(staff)

    response = client.get(changelist_url(Membership))

    assert response.context["cl"].result_count == 0


def test_staff_cannot_open_a_row_of_another_organization(client, make_member):
    mine = make_member(Role.BIDI)
    entry = AuditEntryFactory()
    staff = staff_member(Role.OWNER, mine.organization, "accounts.view_auditentry")
    client.force_login(staff)

    response = client.get(change_url(entry), follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "doesn\u2019t exist" in response.text


def test_revoke_action_revokes_invitations_through_the_service(client, make_member):
    owner = make_member(Role.OWNER, is_staff=True)
    invitation = InvitationFactory(organization=owner.organization, invited_by=owner.user)
    client.force_login(owner.user)
    owner.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_invitation", "change_invitation"])
    )

    client.post(
        changelist_url(Invitation),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )

    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert AuditEntry.objects.filter(action="invitation.revoked", actor=owner.user).exists()


def test_revoke_action_explains_when_the_admin_has_no_role_in_that_organization(
    superuser_client,
):
    invitation = InvitationFactory()

    response = superuser_client.post(
        changelist_url(Invitation),
        {"action": "revoke", "_selected_action": [invitation.pk]},
        follow=True,
    )

    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert "Organization not found." in response.text


def test_revoke_action_revokes_api_keys_through_the_service(client, make_member):
    owner = make_member(Role.OWNER, is_staff=True)
    api_key = ApiKeyFactory(organization=owner.organization)
    owner.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_apikey", "change_apikey"])
    )
    client.force_login(owner.user)

    client.post(changelist_url(ApiKey), {"action": "revoke", "_selected_action": [api_key.pk]})

    api_key.refresh_from_db()
    assert not api_key.is_active
    assert AuditEntry.objects.filter(action="apikey.revoked", actor=owner.user).exists()


def test_redispatch_action_dispatches_events_that_never_were(superuser_client, demo_data):
    stuck = Event.objects.get(organization=demo_data, name="organization.created")

    response = superuser_client.post(
        changelist_url(Event),
        {"action": "redispatch", "_selected_action": [stuck.pk]},
        follow=True,
    )

    stuck.refresh_from_db()
    assert stuck.dispatched_at is not None
    assert "Queued 1 event(s) for dispatch." in response.text
