import pytest

from crm.models import Contact
from crm.tests.factories import ContactFactory, TagFactory

pytestmark = pytest.mark.django_db
URL = "/contacts/bulk/"


def _signed_in(client, make_member, role):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_bulk_tag_adds_the_tag_to_the_selected_contacts(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    chosen = ContactFactory.create_batch(2, organization=member.organization)
    other = ContactFactory(organization=member.organization)

    response = client.post(
        URL,
        {"action": "tag", "tag": "warm", "ids": [c.pk for c in chosen], "next": "/contacts/?q=x"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/contacts/?q=x"
    for contact in chosen:
        assert list(contact.tags.values_list("name", flat=True)) == ["warm"]
    assert not other.tags.exists()


def test_bulk_untag_removes_the_tag(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    tag = TagFactory(organization=member.organization, name="cold")
    contact = ContactFactory(organization=member.organization)
    contact.tags.add(tag)

    client.post(URL, {"action": "untag", "tag": "cold", "ids": [contact.pk]})

    assert not contact.tags.exists()


def test_bulk_assign_sets_the_owner(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    colleague = make_member("admin", organization=member.organization)
    contacts = ContactFactory.create_batch(2, organization=member.organization)

    client.post(
        URL, {"action": "assign", "owner": colleague.user.pk, "ids": [c.pk for c in contacts]}
    )

    assert set(Contact.objects.values_list("owner", flat=True)) == {colleague.user.pk}


def test_bulk_delete_by_an_admin_deletes_the_selected_contacts(make_member, client):
    member = _signed_in(client, make_member, "admin")
    chosen = ContactFactory(organization=member.organization)
    kept = ContactFactory(organization=member.organization)

    client.post(URL, {"action": "delete", "ids": [chosen.pk]})

    assert list(Contact.objects.values_list("pk", flat=True)) == [kept.pk]


def test_bulk_delete_by_a_business_developer_is_refused(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    contact = ContactFactory(organization=member.organization)

    response = client.post(URL, {"action": "delete", "ids": [contact.pk]})

    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_viewer_cannot_run_bulk_actions(make_member, client):
    member = _signed_in(client, make_member, "viewer")
    contact = ContactFactory(organization=member.organization)

    response = client.post(URL, {"action": "tag", "tag": "x", "ids": [contact.pk]})

    assert response.status_code == 403
    assert not contact.tags.exists()


def test_bulk_action_leaves_other_organizations_contacts_alone(make_member, client):
    _signed_in(client, make_member, "admin")
    foreign = ContactFactory()

    response = client.post(URL, {"action": "delete", "ids": [foreign.pk]}, follow=True)

    assert Contact.objects.filter(pk=foreign.pk).exists()
    assert "do not exist" in response.content.decode()


def test_bulk_tag_without_a_tag_name_says_so(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    contact = ContactFactory(organization=member.organization)

    response = client.post(URL, {"action": "tag", "tag": "", "ids": [contact.pk]}, follow=True)

    assert "Name the tag." in response.content.decode()
