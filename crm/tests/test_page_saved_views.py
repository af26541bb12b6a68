import pytest

from crm.models import SavedView
from crm.tests.factories import ContactFactory, SavedViewFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member, client):
    member = make_member("owner")
    client.force_login(member.user)
    return member


def test_saving_a_view_stores_the_current_filters_and_opens_it(owner, client):
    TagFactory(organization=owner.organization, name="investor")

    response = client.post(
        "/crm/views/",
        {"entity": "contact", "name": "Investors", "q": "", "tag": "investor", "sort": "name"},
        HTTP_HX_REQUEST="true",
    )

    view = SavedView.objects.get(organization=owner.organization, name="Investors")
    assert view.filters == {"tag": ["investor"], "sort": "name"}
    assert view.owner == owner.user
    assert response["HX-Redirect"] == f"/contacts/?view={view.pk}"


def test_a_saved_view_applies_its_filters(owner, client):
    tag = TagFactory(organization=owner.organization, name="investor")
    ContactFactory(organization=owner.organization, first_name="Tagged").tags.add(tag)
    ContactFactory(organization=owner.organization, first_name="Other")
    view = SavedViewFactory(
        organization=owner.organization, owner=owner.user, filters={"tag": ["investor"]}
    )

    html = client.get("/contacts/", {"view": view.pk}).content.decode()

    assert "Tagged" in html
    assert "Other" not in html
    assert view.name in html


def test_saving_a_view_without_a_name_says_so_in_the_form(owner, client):
    response = client.post("/crm/views/", {"entity": "contact", "name": ""}, HTTP_HX_REQUEST="true")

    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_another_members_private_view_is_not_listed_or_applied(owner, client, make_member):
    colleague = make_member("bidi", organization=owner.organization)
    private = SavedViewFactory(
        organization=owner.organization, owner=colleague.user, shared=False, name="Secret list"
    )

    assert "Secret list" not in client.get("/contacts/").content.decode()
    assert client.get("/contacts/", {"view": private.pk}).status_code == 404


def test_viewer_saves_a_private_view_but_is_not_offered_sharing(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    page = client.get("/contacts/").content.decode()
    client.post("/crm/views/", {"entity": "contact", "name": "Mine"}, HTTP_HX_REQUEST="true")

    assert 'name="shared"' not in page
    assert SavedView.objects.get(name="Mine").shared is False


def test_owner_deletes_their_view(owner, client):
    view = SavedViewFactory(organization=owner.organization, owner=owner.user)

    response = client.post(f"/crm/views/{view.pk}/delete/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == "/contacts/"
    assert not SavedView.objects.filter(pk=view.pk).exists()
