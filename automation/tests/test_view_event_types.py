from automation.catalog import CATALOG

URL = "/settings/events/catalogue/"


def test_every_event_type_is_listed_with_its_schema_and_sample(client, make_member):
    member = make_member("bidi")
    client.force_login(member.user)

    response = client.get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    for name in CATALOG:
        assert f'id="type-{name}"' in body
    assert "urn:bidi:event:deal.won:v1" in body
    assert "Sample payload" in body
