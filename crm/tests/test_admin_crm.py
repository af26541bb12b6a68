import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AuditEntry, User
from crm.models import Contact, ImportJob
from crm.tests.factories import ContactFactory, ImportJobFactory, TagFactory


def changelist(model) -> str:
    return reverse(f"admin:crm_{model._meta.model_name}_changelist")


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root@example.com", "pw-for-tests-1"))
    return client


def test_contacts_are_found_by_exact_email(superuser_client):
    ContactFactory(first_name="Ada", emails=["ada@example.com"])
    ContactFactory(first_name="Bob", emails=["bob@example.com"])

    response = superuser_client.get(changelist(Contact), {"q": "ADA@example.com"})

    assert [str(c) for c in response.context["cl"].result_list] == [
        str(Contact.objects.get(first_name="Ada"))
    ]


def test_contacts_filter_by_tag(superuser_client):
    tag = TagFactory()
    tagged = ContactFactory(organization=tag.organization)
    tagged.tags.add(tag)
    ContactFactory(organization=tag.organization)

    response = superuser_client.get(changelist(Contact), {"tags__id__exact": tag.pk})

    assert list(response.context["cl"].result_list) == [tagged]


def test_staff_sees_only_contacts_of_their_organization(client, make_member):
    mine = make_member("admin", is_staff=True)
    mine.user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    own = ContactFactory(organization=mine.organization)
    ContactFactory()
    client.force_login(mine.user)

    response = client.get(changelist(Contact))

    assert list(response.context["cl"].result_list) == [own]


def test_delete_action_goes_through_the_service(client, make_member):
    admin = make_member("admin", is_staff=True)
    admin.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_contact", "delete_contact"])
    )
    contact = ContactFactory(organization=admin.organization)
    client.force_login(admin.user)

    client.post(changelist(Contact), {"action": "delete_rows", "_selected_action": [contact.pk]})

    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(action="contact.deleted", actor=admin.user).exists()


def test_import_jobs_are_read_only(superuser_client):
    job = ImportJobFactory()

    add = superuser_client.get(reverse("admin:crm_importjob_add"))
    change = superuser_client.get(reverse("admin:crm_importjob_change", args=[job.pk]))

    assert add.status_code == 403
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert ImportJob.objects.count() == 1
