"""Organizations that existed before automations get the built-in transitions (0005), and
reversing the migration removes them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("pipelines", "0004_deal_payments")]
STAGES = ["Lead", "Contacted", "Engaged", "Meeting", "Proposal", "Won", "Lost"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _organization_with_pipeline(apps, slug, stage_names):
    Organization = apps.get_model("accounts", "Organization")
    Pipeline = apps.get_model("pipelines", "Pipeline")
    Stage = apps.get_model("pipelines", "Stage")
    organization = Organization.objects.create(name=slug, slug=slug)
    pipeline = Pipeline.objects.create(
        organization=organization, name="Business development", is_default=True
    )
    stages = {}
    for position, name in enumerate(stage_names):
        kind = {"Won": "won", "Lost": "lost"}.get(name, "open")
        stages[name] = Stage.objects.create(
            organization=organization, pipeline=pipeline, name=name, position=position, kind=kind
        )
    return organization, stages


def test_existing_organizations_get_their_transitions_and_reversing_removes_them():
    latest = _leaves()
    apps = _migrate(BEFORE)
    try:
        organization, stages = _organization_with_pipeline(apps, "acme-upgrade", STAGES)
        custom, _ = _organization_with_pipeline(apps, "custom-upgrade", ["Open", "Won"])
    finally:
        _migrate(latest)

    from automation.models import Trigger

    first_reply = Trigger.objects.get(
        organization_id=organization.pk, builtin="transition.first_reply"
    )
    assert first_reply.event_name == "message.received"
    assert first_reply.conditions["all"][1] == {
        "field": "deal.stage_id",
        "op": "in",
        "value": [str(stages["Lead"].pk), str(stages["Contacted"].pk)],
    }
    assert first_reply.actions == [
        {"type": "deal.move_to_stage", "params": {"stage": stages["Engaged"].pk}}
    ]
    assert set(
        Trigger.objects.filter(organization_id=organization.pk).values_list("builtin", flat=True)
    ) == {"transition.first_reply", "transition.meeting_booked", "transition.payment_received"}
    # A pipeline without Lead/Engaged/Meeting only gets "payment received → Won".
    assert list(
        Trigger.objects.filter(organization_id=custom.pk).values_list("builtin", flat=True)
    ) == ["transition.payment_received"]

    _migrate(BEFORE)
    try:
        assert not Trigger.objects.exclude(builtin="").exists()
    finally:
        _migrate(latest)
