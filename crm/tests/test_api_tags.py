from crm.models import Tag
from crm.tests.factories import TagFactory

TAGS = "/api/v1/tags/"


def test_everyone_lists_tags_by_name(make_member, jwt_client):
    viewer = make_member("viewer")
    TagFactory(organization=viewer.organization, name="beta")
    TagFactory(organization=viewer.organization, name="Alpha")

    rows = jwt_client(viewer.user).get(TAGS).json()["results"]

    assert [row["name"] for row in rows] == ["Alpha", "beta"]


def test_admin_creates_renames_and_deletes_a_tag(make_member, jwt_client):
    admin = make_member("admin")
    client = jwt_client(admin.user)

    created = client.post(TAGS, {"name": "VIP", "color": "#112233"}, format="json")
    url = f"{TAGS}{created.json()['id']}/"
    renamed = client.patch(url, {"name": "Very important"}, format="json")
    deleted = client.delete(url)

    assert created.status_code == 201
    assert renamed.json()["name"] == "Very important"
    assert deleted.status_code == 204
    assert not Tag.objects.exists()


def test_duplicate_name_is_a_400(make_member, jwt_client):
    admin = make_member("admin")
    TagFactory(organization=admin.organization, name="VIP")

    response = jwt_client(admin.user).post(TAGS, {"name": "vip"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": ["Already exists."]}


def test_business_developer_cannot_configure_tags(make_member, jwt_client):
    bidi = make_member("bidi")

    assert jwt_client(bidi.user).post(TAGS, {"name": "x"}, format="json").status_code == 403
