from crm.models import Company, Contact
from crm.tests.factories import CompanyFactory, ContactFactory

BULK = "/api/v1/contacts/bulk/"


def test_bulk_tag(make_member, jwt_client):
    bidi = make_member("bidi")
    contacts = ContactFactory.create_batch(2, organization=bidi.organization)

    response = jwt_client(bidi.user).post(
        BULK, {"action": "tag", "ids": [c.pk for c in contacts], "tags": ["VIP"]}, format="json"
    )

    assert response.json() == {"action": "tag", "count": 2}
    assert all(c.tags.get().name == "VIP" for c in contacts)


def test_bulk_untag(make_member, jwt_client):
    bidi = make_member("bidi")
    contact = ContactFactory(organization=bidi.organization)
    contact.tags.create(organization=bidi.organization, name="Cold")

    response = jwt_client(bidi.user).post(
        BULK, {"action": "untag", "ids": [contact.pk], "tags": ["cold"]}, format="json"
    )

    assert response.json()["count"] == 1
    assert not contact.tags.exists()


def test_bulk_assign_and_unassign_owner(make_member, jwt_client):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    client = jwt_client(owner.user)

    client.post(
        BULK, {"action": "assign", "ids": [contact.pk], "owner": owner.user.pk}, format="json"
    )
    contact.refresh_from_db()
    assert contact.owner == owner.user

    client.post(BULK, {"action": "assign", "ids": [contact.pk], "owner": None}, format="json")
    contact.refresh_from_db()
    assert contact.owner is None


def test_tag_action_needs_tags(make_member, jwt_client):
    bidi = make_member("bidi")
    contact = ContactFactory(organization=bidi.organization)

    response = jwt_client(bidi.user).post(
        BULK, {"action": "tag", "ids": [contact.pk]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"tags": ["Choose at least one tag."]}


def test_ids_of_another_organization_are_a_400(make_member, jwt_client):
    owner = make_member("owner")
    theirs = ContactFactory()

    response = jwt_client(owner.user).post(
        BULK, {"action": "delete", "ids": [theirs.pk]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["ids"]
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_business_developer_cannot_bulk_delete(make_member, jwt_client):
    bidi = make_member("bidi")
    contact = ContactFactory(organization=bidi.organization)

    response = jwt_client(bidi.user).post(
        BULK, {"action": "delete", "ids": [contact.pk]}, format="json"
    )

    assert response.status_code == 403
    assert Contact.objects.exists()


def test_write_api_key_of_an_owner_cannot_bulk_delete(make_member, api_key_client):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    client = api_key_client(owner, scopes=("write",))

    response = client.post(BULK, {"action": "delete", "ids": [contact.pk]}, format="json")

    assert response.status_code == 403
    assert Contact.objects.exists()


def test_viewer_cannot_use_bulk_actions(make_member, jwt_client):
    viewer = make_member("viewer")
    contact = ContactFactory(organization=viewer.organization)

    response = jwt_client(viewer.user).post(
        BULK, {"action": "tag", "ids": [contact.pk], "tags": ["x"]}, format="json"
    )

    assert response.status_code == 403


def test_companies_have_the_same_bulk_actions(make_member, jwt_client):
    admin = make_member("admin")
    companies = CompanyFactory.create_batch(2, organization=admin.organization)

    response = jwt_client(admin.user).post(
        "/api/v1/companies/bulk/",
        {"action": "delete", "ids": [c.pk for c in companies]},
        format="json",
    )

    assert response.json() == {"action": "delete", "count": 2}
    assert not Company.objects.exists()
