import pytest

from accounts.errors import PermissionDenied
from automation.models import Event
from crm.models import Note
from crm.services import notes as note_services
from crm.tests.factories import NoteFactory


@pytest.fixture
def note_by_bidi(make_member):
    bidi = make_member("bidi")
    return bidi, NoteFactory(organization=bidi.organization, author=bidi.user, body="first")


def test_author_edits_their_note(note_by_bidi):
    bidi, note = note_by_bidi

    note_services.note_update(note=note, actor=bidi.user, body="second")

    note.refresh_from_db()
    assert note.body == "second"
    assert Event.objects.get(name="note.updated").payload["note"]["body"] == "second"


def test_another_business_developer_cannot_edit_it(note_by_bidi, make_member):
    _, note = note_by_bidi
    colleague = make_member("bidi", organization=note.organization)

    with pytest.raises(PermissionDenied):
        note_services.note_update(note=note, actor=colleague.user, body="mine now")


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_managers_delete_anyones_note(note_by_bidi, make_member, role):
    _, note = note_by_bidi
    manager = make_member(role, organization=note.organization)

    note_services.note_delete(note=note, actor=manager.user)

    assert not Note.objects.exists()
    assert Event.objects.filter(name="note.deleted").count() == 1


def test_author_who_became_viewer_cannot_edit(note_by_bidi):
    bidi, note = note_by_bidi
    bidi.user.memberships.update(role="viewer")

    with pytest.raises(PermissionDenied):
        note_services.note_delete(note=note, actor=bidi.user)
