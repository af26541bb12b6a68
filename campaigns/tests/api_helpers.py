"""Shared set-up of the campaigns API tests: URLs and step payloads (the campaign ready to
launch is ``campaigns.tests.ready``)."""

from __future__ import annotations

from typing import Any

from campaigns.models import Campaign
from campaigns.tests.ready import Ready, ready_campaign

__all__ = ["URL", "Ready", "ready_campaign", "step", "url"]

URL = "/api/v1/campaigns/"


def url(campaign: Campaign | int, suffix: str = "") -> str:
    pk = campaign if isinstance(campaign, int) else campaign.pk
    return f"{URL}{pk}/{suffix + '/' if suffix else ''}"


def step(*bodies: str, delay: int = 0) -> dict[str, Any]:
    return {
        "delay_minutes": delay,
        "only_if_no_reply": True,
        "variants": [{"body": body, "weight": 50} for body in bodies],
    }
