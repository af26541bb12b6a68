"""Give every organization that existed before the pipelines app its default BD pipeline.

New organizations get it from ``pipelines.signals``; this is a frozen copy of
``pipelines.services.pipelines.DEFAULT_STAGES`` (migrations must not import app code).
"""

from django.db import migrations

STAGES = [
    ("Lead", 10, "open", 14),
    ("Contacted", 20, "open", 7),
    ("Engaged", 40, "open", 7),
    ("Meeting", 60, "open", 7),
    ("Proposal", 80, "open", 14),
    ("Won", 100, "won", None),
    ("Lost", 0, "lost", None),
]


def create_default_pipelines(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    Pipeline = apps.get_model("pipelines", "Pipeline")
    Stage = apps.get_model("pipelines", "Stage")
    have = set(Pipeline.objects.values_list("organization_id", flat=True))
    for organization in Organization.objects.exclude(pk__in=have).iterator():
        pipeline = Pipeline.objects.create(
            organization=organization, name="Business development", position=0, is_default=True
        )
        Stage.objects.bulk_create(
            Stage(
                organization=organization,
                pipeline=pipeline,
                name=name,
                position=position,
                probability=probability,
                kind=kind,
                rotting_days=rotting_days,
            )
            for position, (name, probability, kind, rotting_days) in enumerate(STAGES)
        )


class Migration(migrations.Migration):
    dependencies = [("pipelines", "0001_initial")]

    operations = [migrations.RunPython(create_default_pipelines, migrations.RunPython.noop)]
