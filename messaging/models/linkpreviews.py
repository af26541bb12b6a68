"""Cards for links posted in chats, fetched in the background (messaging/linkpreview/).

Previews are public page metadata, not organization secrets, but they stay org-owned like
everything else so one tenancy rule covers them: one row per (organization, URL), refreshed
at most once per ``LINK_PREVIEW_CACHE_HOURS``.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone

from accounts.models import OrgOwned


def url_hash(url: str) -> str:
    """The key a URL is cached under (URLs are too long for a unique index)."""
    return hashlib.sha256(url.encode()).hexdigest()


class LinkPreview(OrgOwned):
    class Status(models.TextChoices):
        OK = "ok", "Fetched"
        FAILED = "failed", "Failed"
        REFUSED = "refused", "Refused"

    url = models.TextField()
    url_hash = models.CharField(max_length=64)
    final_url = models.TextField(blank=True, help_text="Where the redirects ended.")
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    image_url = models.TextField(blank=True)
    site_name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    error = models.CharField(max_length=255, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "url_hash"], name="linkpreview_unique_url"
            )
        ]
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def has_card(self) -> bool:
        return self.status == self.Status.OK and bool(self.title or self.description)
