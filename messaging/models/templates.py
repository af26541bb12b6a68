"""Canned responses: reusable message bodies with ``{{ contact.first_name }}``-style variables.

Bodies are written by members and rendered by ``messaging.services.templates`` with a fixed set
of variables and plain substitution, never the Django template engine.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import OrgOwned


class ResponseTemplate(OrgOwned):
    name = models.CharField(max_length=120)
    shortcut = models.CharField(
        max_length=32, blank=True, help_text="Typed in the composer, e.g. /price."
    )
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("shortcut"),
                condition=~models.Q(shortcut=""),
                name="responsetemplate_unique_shortcut",
            ),
            models.UniqueConstraint(
                "organization", Lower("name"), name="responsetemplate_unique_name"
            ),
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.shortcut})" if self.shortcut else self.name
