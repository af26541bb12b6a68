import pytest

from accounts.errors import PermissionDenied, ValidationError
from crm import selectors
from crm.services import saved_views as saved_view_services
from crm.tests.factories import SavedViewFactory, TagFactory


def create(member, **kwargs):
    kwargs.setdefault("entity", "contact")
    kwargs.setdefault("filters", {})
    return saved_view_services.saved_view_create(
        organization=member.organization, actor=member.user, **kwargs
    )


def test_filters_are_stored_in_canonical_form(make_member):
    bidi = make_member("bidi")
    TagFactory(organization=bidi.organization, name="VIP")

    view = create(bidi, name="My VIPs", filters={"tag": "vip", "owner": "me", "sort": "-created"})

    assert view.filters == {"tag": ["VIP"], "owner": "me"}


def test_invalid_filters_are_reported_per_parameter(make_member):
    bidi = make_member("bidi")

    with pytest.raises(ValidationError) as excinfo:
        create(bidi, name="Bad", filters={"created_after": "yesterday", "sort": "random"})

    assert set(excinfo.value.fields) == {"filters.created_after", "filters.sort"}


def test_names_are_unique_per_owner(make_member):
    bidi = make_member("bidi")
    create(bidi, name="Hot")

    with pytest.raises(ValidationError) as excinfo:
        create(bidi, name="hot")

    assert excinfo.value.fields == {"name": ["You already have a view with this name."]}


def test_viewer_saves_private_views_but_cannot_share(make_member):
    viewer = make_member("viewer")

    assert create(viewer, name="Mine").pk
    with pytest.raises(PermissionDenied):
        create(viewer, name="Ours", shared=True)


def test_members_see_their_own_and_shared_views(make_member):
    bidi = make_member("bidi")
    colleague = make_member("bidi", organization=bidi.organization)
    mine = SavedViewFactory(organization=bidi.organization, owner=bidi.user, shared=False)
    shared = SavedViewFactory(organization=bidi.organization, owner=colleague.user, shared=True)
    SavedViewFactory(organization=bidi.organization, owner=colleague.user, shared=False)

    views = set(selectors.saved_views_list(bidi.organization, bidi.user))

    assert views == {mine, shared}


def test_only_the_owner_changes_a_private_view(make_member):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    view = SavedViewFactory(organization=owner.organization, owner=bidi.user, shared=False)

    with pytest.raises(PermissionDenied):
        saved_view_services.saved_view_delete(view=view, actor=owner.user)


def test_admin_deletes_a_shared_view(make_member):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)
    view = SavedViewFactory(organization=admin.organization, owner=bidi.user, shared=True)

    saved_view_services.saved_view_delete(view=view, actor=admin.user)

    assert not type(view).objects.exists()


def test_renaming_a_view(make_member):
    bidi = make_member("bidi")
    view = create(bidi, name="Old")

    view = saved_view_services.saved_view_update(view=view, actor=bidi.user, data={"name": "New"})

    assert view.name == "New"
