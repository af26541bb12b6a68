from automation.catalog import CATALOG


def test_the_api_schema_lists_every_event_with_its_version(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    description = schema["info"]["description"]
    for event in CATALOG.values():
        assert f"| `{event.name}` | {event.version} |" in description


def test_the_api_schema_links_each_event_to_its_payload_schema(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert "[schema](/api/v1/event-types/deal.won/)" in schema["info"]["description"]


def test_the_api_schema_documents_the_idempotency_key_on_posts(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert "## Idempotency-Key" in schema["info"]["description"]
    create_contact = schema["paths"]["/api/v1/contacts/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create_contact["parameters"]]
