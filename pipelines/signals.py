"""Every new organization gets the default BD pipeline. accounts sends the signal and imports
nothing of ours (accounts is the ground floor)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Organization
from accounts.signals import organization_created


@receiver(organization_created)
def create_default_pipeline(sender: Any, organization: Organization, **kwargs: Any) -> None:
    from pipelines.services.pipelines import pipeline_create_default

    pipeline_create_default(organization=organization)
