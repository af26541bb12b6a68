import pytest

from crm.models import Tag
from crm.tests.factories import ContactFactory, TagFactory

pytestmark = pytest.mark.django_db
URL = "/crm/settings/tags/"


def _signed_in(client, make_member, role="admin"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_tags_page_lists_tags_with_their_use(make_member, client):
    member = _signed_in(client, make_member)
    tag = TagFactory(organization=member.organization, name="investor")
    ContactFactory(organization=member.organization).tags.add(tag)
    TagFactory(name="elsewhere")

    html = client.get(URL).content.decode()

    assert "investor" in html
    assert "1 contact · 0 companies" in html
    assert "elsewhere" not in html


def test_admin_creates_a_tag(make_member, client):
    member = _signed_in(client, make_member)

    client.post(URL, {"name": "vip", "color": "#d9488f"})

    tag = Tag.objects.get(organization=member.organization)
    assert (tag.name, tag.color) == ("vip", "#d9488f")


def test_a_duplicate_tag_name_is_refused_next_to_the_field(make_member, client):
    member = _signed_in(client, make_member)
    TagFactory(organization=member.organization, name="VIP")

    html = client.post(URL, {"name": "vip", "color": "#d9488f"}).content.decode()

    assert 'id="id_name_error"' in html
    assert Tag.objects.count() == 1


def test_renaming_and_recolouring_a_tag_answers_with_the_row(make_member, client):
    member = _signed_in(client, make_member)
    tag = TagFactory(organization=member.organization, name="warm", color="#5b5bd6")

    response = client.post(
        f"/crm/settings/tags/{tag.pk}/",
        {"name": "hot", "color": "#e0702b"},
        HTTP_HX_REQUEST="true",
    )

    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("hot", "#e0702b")
    assert "Saved" in response.content.decode()


def test_deleting_a_tag_removes_it_from_contacts(make_member, client):
    member = _signed_in(client, make_member)
    tag = TagFactory(organization=member.organization)
    contact = ContactFactory(organization=member.organization)
    contact.tags.add(tag)

    client.post(f"/crm/settings/tags/{tag.pk}/delete/")

    assert not contact.tags.exists()


def test_business_developer_cannot_manage_tags(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    tag = TagFactory(organization=member.organization)

    assert client.get(URL).status_code == 403
    assert client.post(f"/crm/settings/tags/{tag.pk}/delete/").status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_another_organizations_tag_is_not_found(make_member, client):
    _signed_in(client, make_member)
    foreign = TagFactory()

    assert client.post(f"/crm/settings/tags/{foreign.pk}/delete/").status_code == 404
    assert Tag.objects.filter(pk=foreign.pk).exists()
