import pytest

from accounts.errors import PermissionDenied
from accounts.models import AuditEntry
from automation.models import Event
from crm.models import Contact, Note
from crm.services import contacts as contact_services
from crm.tests.factories import ContactFactory, NoteFactory


def test_admin_deletes_a_contact_with_its_notes(make_member):
    admin = make_member("admin")
    note = NoteFactory(organization=admin.organization)

    contact_services.contact_delete(contact=note.contact, actor=admin.user)

    assert not Contact.objects.exists()
    assert not Note.objects.exists()


def test_deletion_is_audited_and_emitted_with_the_contact(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization, first_name="Ada", last_name="L")
    contact_id = contact.pk

    contact_services.contact_delete(contact=contact, actor=owner.user)

    event = Event.objects.get(name="contact.deleted")
    assert event.payload["contact"]["id"] == contact_id
    assert event.payload["contact"]["name"] == "Ada L"
    assert AuditEntry.objects.filter(action="contact.deleted", target_id=str(contact_id)).exists()


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_business_developers_and_viewers_cannot_delete(make_member, role):
    owner = make_member("owner")
    member = make_member(role, organization=owner.organization)
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(PermissionDenied):
        contact_services.contact_delete(contact=contact, actor=member.user)

    assert Contact.objects.filter(pk=contact.pk).exists()
