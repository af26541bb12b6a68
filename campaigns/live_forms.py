"""Forms of a launched campaign's page (campaigns/views/live_edit.py): what still changes after
launch. Like campaigns.forms they only shape input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.forms import DomainErrorForm
from campaigns.forms import AudienceFlagsForm, CampaignBasicsForm, ScheduleForm
from campaigns.models import Campaign


class LiveScheduleForm(ScheduleForm):
    """The schedule of a launched campaign: recipients were enrolled with its start and time
    zone mode, so those show read-only; the window, cap, end and reply rule still steer what
    is left to send."""

    dynamic_enrolment = AudienceFlagsForm.base_fields["dynamic_enrolment"]

    FIELDS = (*ScheduleForm.FIELDS, "dynamic_enrolment")
    LIVE = (
        "window_days",
        "window_start",
        "window_end",
        "daily_cap",
        "ends_at",
        "stop_on_reply",
        "dynamic_enrolment",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("time_zone_mode", "starts_at"):
            self.fields[name].disabled = True
            self.fields[name].help_text = "Fixed at launch."

    def clean(self) -> dict[str, Any]:
        """A running campaign takes a new window at once: one that can never open would stall
        it without a word, so it is refused here as the launch checks refuse it."""
        data = super().clean()
        if "window_days" in data and not data["window_days"]:
            self.add_error("window_days", "Choose at least one day of the week to send on.")
        start, end = data.get("window_start"), data.get("window_end")
        if start is not None and end is not None and start >= end:
            self.add_error("window_end", "The sending window must end after it starts.")
        ends_at = data.get("ends_at")
        if ends_at is not None and ends_at <= timezone.now():
            self.add_error("ends_at", "The end date is in the past; cancel the campaign instead.")
        return data

    def service_data(self, campaign: Campaign) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.LIVE}


class CampaignDetailsForm(DomainErrorForm):
    """Name and description: all that still changes once a campaign has finished."""

    name = CampaignBasicsForm.base_fields["name"]
    description = CampaignBasicsForm.base_fields["description"]

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {"name": campaign.name, "description": campaign.description}

    def service_data(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"],
            "description": self.cleaned_data.get("description", ""),
        }
