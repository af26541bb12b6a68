from automation.catalog import CATALOG


def test_the_api_schema_lists_every_event_with_its_version(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    description = schema["info"]["description"]
    for event in CATALOG.values():
        assert f"| `{event.name}` | {event.version} |" in description
