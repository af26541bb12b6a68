from crm.tests.factories import SavedViewFactory

VIEWS = "/api/v1/saved-views/"


def test_save_a_view_with_canonical_filters(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        VIEWS,
        {"entity": "contact", "name": "Mine", "filters": {"owner": "me", "sort": "name"}},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["filters"] == {"owner": "me", "sort": "name"}


def test_bad_filters_are_field_errors(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        VIEWS, {"entity": "contact", "name": "x", "filters": {"sort": "?"}}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["filters.sort"]


def test_private_views_of_others_are_not_listed_nor_found(make_member, jwt_client):
    bidi = make_member("bidi")
    colleague = make_member("bidi", organization=bidi.organization)
    private = SavedViewFactory(organization=bidi.organization, owner=colleague.user, shared=False)
    shared = SavedViewFactory(organization=bidi.organization, owner=colleague.user, shared=True)
    client = jwt_client(bidi.user)

    rows = client.get(VIEWS).json()["results"]

    assert [row["id"] for row in rows] == [shared.pk]
    assert client.get(f"{VIEWS}{private.pk}/").status_code == 404


def test_owner_renames_their_view(make_member, jwt_client):
    bidi = make_member("bidi")
    view = SavedViewFactory(organization=bidi.organization, owner=bidi.user)

    response = jwt_client(bidi.user).patch(f"{VIEWS}{view.pk}/", {"name": "New"}, format="json")

    assert response.json()["name"] == "New"
