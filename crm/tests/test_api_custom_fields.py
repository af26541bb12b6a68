from crm.tests.factories import CustomFieldDefinitionFactory

FIELDS = "/api/v1/custom-fields/"


def test_fields_are_listed_per_entity_in_position_order(make_member, jwt_client):
    viewer = make_member("viewer")
    org = viewer.organization
    CustomFieldDefinitionFactory(organization=org, key="second", position=2)
    CustomFieldDefinitionFactory(organization=org, key="first", position=1)
    CustomFieldDefinitionFactory(organization=org, key="other", entity="company")

    rows = jwt_client(viewer.user).get(FIELDS, {"entity": "contact"}).json()["results"]

    assert [row["key"] for row in rows] == ["first", "second"]


def test_admin_defines_and_relabels_a_field(make_member, jwt_client):
    admin = make_member("admin")
    client = jwt_client(admin.user)

    created = client.post(
        FIELDS,
        {
            "entity": "contact",
            "key": "tier",
            "label": "Tier",
            "field_type": "select",
            "options": ["Gold", "Silver"],
        },
        format="json",
    )
    relabelled = client.patch(f"{FIELDS}{created.json()['id']}/", {"label": "Level"}, format="json")

    assert created.status_code == 201
    assert relabelled.json()["label"] == "Level"


def test_missing_options_are_a_400(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).post(
        FIELDS,
        {"entity": "contact", "key": "tier", "label": "Tier", "field_type": "select"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["options"]


def test_business_developer_cannot_define_fields(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        FIELDS, {"entity": "contact", "key": "x", "label": "X", "field_type": "text"}, format="json"
    )

    assert response.status_code == 403
