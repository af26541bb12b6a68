"""/api/v1/triggers/ and /api/v1/trigger-runs/: CRUD, field errors, permissions, run log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from automation.models import Trigger
from automation.tests.factories import EventFactory, TriggerFactory, TriggerRunFactory
from automation.tests.trigger_actions import recording_action

DEFINITION = {
    "name": "Welcome",
    "when": "event",
    "event_name": "contact.created",
    "conditions": {"all": [{"field": "payload.contact.source", "op": "equals", "value": "web"}]},
    "actions": [{"type": "test.record", "params": {"note": "hi"}}],
}


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


@pytest.fixture
def admin(make_member):
    return make_member("admin")


def test_a_manager_creates_a_trigger_through_the_api(admin, jwt_client, action):
    response = jwt_client(admin.user).post("/api/v1/triggers/", DEFINITION, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Welcome"
    assert body["created_by"] == admin.user.pk
    assert body["last_run_status"] == ""
    assert Trigger.objects.get().organization == admin.organization


def test_an_invalid_definition_gets_400_with_errors_keyed_by_form_row(admin, jwt_client, action):
    definition = {
        **DEFINITION,
        "event_name": "nope.nope",
        "conditions": {"all": [{"field": "deal.id", "op": "equals", "value": 1}, {"any": [5]}]},
        "actions": [{"type": "test.record"}, {"type": "missing"}],
    }

    response = jwt_client(admin.user).post("/api/v1/triggers/", definition, format="json")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"event_name", "conditions.1.0", "actions.1.type"}


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_members_who_do_not_manage_read_but_cannot_write(make_member, jwt_client, action, role):
    member = make_member(role)
    trigger = TriggerFactory(organization=member.organization)
    client = jwt_client(member.user)

    assert client.get("/api/v1/triggers/").status_code == 200
    assert client.get(f"/api/v1/triggers/{trigger.pk}/runs/").status_code == 200
    assert client.post("/api/v1/triggers/", DEFINITION, format="json").status_code == 403
    assert (
        client.patch(f"/api/v1/triggers/{trigger.pk}/", {"enabled": False}, format="json")
    ).status_code == 403
    assert client.delete(f"/api/v1/triggers/{trigger.pk}/").status_code == 403


def test_patch_enabled_switches_a_trigger_off(admin, jwt_client, action):
    trigger = TriggerFactory(
        organization=admin.organization, actions=DEFINITION["actions"], created_by=admin.user
    )

    response = jwt_client(admin.user).patch(
        f"/api/v1/triggers/{trigger.pk}/", {"enabled": False}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["enabled"] is False


def test_patch_changes_the_definition(admin, jwt_client, action):
    trigger = TriggerFactory(
        organization=admin.organization, actions=DEFINITION["actions"], created_by=admin.user
    )

    response = jwt_client(admin.user).patch(
        f"/api/v1/triggers/{trigger.pk}/", {"name": "Renamed", "cron": "ignored"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert response.json()["cron"] == ""


def test_delete_removes_a_trigger(admin, jwt_client, action):
    trigger = TriggerFactory(organization=admin.organization)

    response = jwt_client(admin.user).delete(f"/api/v1/triggers/{trigger.pk}/")

    assert response.status_code == 204
    assert not Trigger.objects.exists()


def test_the_list_shows_each_triggers_last_run_and_recent_failures(
    admin, jwt_client, django_assert_max_num_queries
):
    for n in range(3):
        trigger = TriggerFactory(organization=admin.organization, name=f"T{n}")
        TriggerRunFactory(trigger=trigger, status="failed")
        TriggerRunFactory(trigger=trigger, status="succeeded")
    client = jwt_client(admin.user)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/triggers/")

    rows = response.json()
    assert [row["last_run_status"] for row in rows] == ["succeeded"] * 3
    assert [row["runs_failed_24h"] for row in rows] == [1] * 3


def test_the_run_log_filters_by_trigger_status_and_time(admin, jwt_client):
    first = TriggerFactory(organization=admin.organization)
    second = TriggerFactory(organization=admin.organization)
    old = TriggerRunFactory(
        trigger=first, status="failed", created_at=timezone.now() - timedelta(days=3)
    )
    recent_failed = TriggerRunFactory(trigger=first, status="failed")
    TriggerRunFactory(trigger=first, status="succeeded")
    TriggerRunFactory(trigger=second, status="failed")
    client = jwt_client(admin.user)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    response = client.get(
        "/api/v1/trigger-runs/", {"trigger": first.pk, "status": "failed", "since": since}
    )
    all_of_first = client.get(f"/api/v1/triggers/{first.pk}/runs/", {"status": "failed"})

    assert [row["id"] for row in response.json()["results"]] == [recent_failed.pk]
    assert [row["id"] for row in all_of_first.json()["results"]] == [recent_failed.pk, old.pk]


def test_the_run_log_pages_with_a_cursor(admin, jwt_client):
    trigger = TriggerFactory(organization=admin.organization)
    runs = [TriggerRunFactory(trigger=trigger) for _ in range(3)]
    client = jwt_client(admin.user)

    first = client.get("/api/v1/trigger-runs/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == [run.pk for run in reversed(runs)]


def test_a_bad_filter_is_a_400(admin, jwt_client):
    response = jwt_client(admin.user).get("/api/v1/trigger-runs/", {"status": "sideways"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_a_run_shows_what_its_conditions_and_actions_did(admin, jwt_client):
    event = EventFactory(organization=admin.organization, name="contact.created")
    run = TriggerRunFactory(
        trigger=TriggerFactory(organization=admin.organization),
        event=event,
        conditions_result=[{"path": "0", "passed": True}],
        actions_result=[{"index": 0, "status": "succeeded"}],
    )

    body = jwt_client(admin.user).get(f"/api/v1/trigger-runs/{run.pk}/").json()

    assert body["event_name"] == "contact.created"
    assert body["conditions_result"] == [{"path": "0", "passed": True}]
    assert body["actions_result"] == [{"index": 0, "status": "succeeded"}]


def test_a_dry_run_of_an_unsaved_definition_on_a_sample_payload(admin, jwt_client, action):
    response = jwt_client(admin.user).post(
        "/api/v1/triggers/dry-run/",
        {**DEFINITION, "payload": {"contact": {"id": 1, "source": "web"}}},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["passed"] is True
    assert body["actions"][0]["would"] == "Would record hi"
    assert action.calls == []


def test_a_dry_run_of_a_saved_trigger_on_a_past_event(admin, jwt_client, action):
    trigger = TriggerFactory(
        organization=admin.organization,
        conditions=DEFINITION["conditions"],
        actions=DEFINITION["actions"],
    )
    event = EventFactory(
        organization=admin.organization,
        name="contact.created",
        payload={"contact": {"id": 2, "source": "api"}},
    )

    body = (
        jwt_client(admin.user)
        .post(f"/api/v1/triggers/{trigger.pk}/dry-run/", {"event": event.pk}, format="json")
        .json()
    )

    assert body["passed"] is False
    assert body["conditions"][0]["actual"] == "api"


def test_a_dry_run_refuses_another_organizations_event(admin, make_member, jwt_client, action):
    other_event = EventFactory(organization=make_member("admin").organization)

    response = jwt_client(admin.user).post(
        "/api/v1/triggers/dry-run/", {**DEFINITION, "event": other_event.pk}, format="json"
    )

    assert response.status_code == 400
    assert "event" in response.json()["error"]["fields"]


def test_the_builder_schema_lists_events_operators_and_actions(admin, jwt_client, action):
    body = jwt_client(admin.user).get("/api/v1/triggers/builder-schema/").json()

    assert set(body) == {"events", "time_sources", "operators", "actions", "subjects"}
    assert "contact.created" in {event["name"] for event in body["events"]}
    assert {"key", "label", "types", "takes_value", "multi"} == set(body["operators"][0])
    recorded = next(a for a in body["actions"] if a["key"] == "test.record")
    assert recorded["params"] == [
        {
            "name": "note",
            "label": "Note",
            "kind": "text",
            "required": False,
            "help": "",
            "default": None,
            "choices": None,
        }
    ]
