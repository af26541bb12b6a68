import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from crm.services import notes as note_services
from crm.tests.factories import CompanyFactory, ContactFactory


def test_writer_adds_a_note_to_a_contact(make_member):
    bidi = make_member("bidi")
    contact = ContactFactory(organization=bidi.organization)

    note = note_services.note_add(
        organization=bidi.organization,
        actor=bidi.user,
        body=" Met at **Web Summit** ",
        contact=contact,
    )

    assert (note.body, note.author, note.contact) == ("Met at **Web Summit**", bidi.user, contact)
    payload = Event.objects.get(name="note.added").payload["note"]
    assert (payload["id"], payload["contact"], payload["author"]) == (
        note.pk,
        contact.pk,
        bidi.user.pk,
    )


def test_a_note_on_a_company(make_member):
    owner = make_member("owner")
    company = CompanyFactory(organization=owner.organization)

    note = note_services.note_add(
        organization=owner.organization, actor=owner.user, body="Budget in Q3", company=company
    )

    assert note.company == company


def test_empty_note_is_refused(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(ValidationError) as excinfo:
        note_services.note_add(
            organization=owner.organization, actor=owner.user, body="  ", contact=contact
        )

    assert excinfo.value.fields == {"body": ["Write something first."]}


def test_a_note_needs_a_subject(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        note_services.note_add(organization=owner.organization, actor=owner.user, body="Hi")

    assert list(excinfo.value.fields) == ["non_field_errors"]


def test_contact_of_another_organization_is_refused(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        note_services.note_add(
            organization=owner.organization, actor=owner.user, body="Hi", contact=ContactFactory()
        )

    assert excinfo.value.fields == {"contact": ["No such contact."]}


def test_viewer_cannot_add_notes(make_member):
    viewer = make_member("viewer")
    contact = ContactFactory(organization=viewer.organization)

    with pytest.raises(PermissionDenied):
        note_services.note_add(
            organization=viewer.organization, actor=viewer.user, body="Hi", contact=contact
        )
