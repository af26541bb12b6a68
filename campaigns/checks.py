"""What stands between a campaign and its launch, said in the author's words.

Blocking problems would make the launch fail or send something broken (no bot, no message, an
unknown variable, nobody to send to); warnings are worth a look but are the author's call
(contacts without a first name, contacts the bot cannot reach, a cap that stretches the campaign
over days). The launch service refuses on a blocking problem; the editor lists them all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from accounts.errors import ValidationError
from campaigns.audience import audience_contacts, classify
from campaigns.models import Campaign, Recipient
from campaigns.variables import missing_variables, template_errors


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str  # the setting to fix, as the service's field errors name it
    blocking: bool


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _bot_problems(campaign: Campaign) -> list[Problem]:
    if campaign.bot is None:
        message = "Choose a bot: launching without a connected bot is not possible."
        return [Problem("no_bot", message, "bot", True)]
    if not campaign.bot.is_active:
        message = (
            f"{campaign.bot} is disconnected: launching without a connected bot is not possible."
        )
        return [Problem("bot_inactive", message, "bot", True)]
    return []


def _step_problems(campaign: Campaign) -> list[Problem]:
    steps = list(campaign.steps.prefetch_related("variants").order_by("position"))
    if not steps:
        return [Problem("no_steps", "Write at least one message.", "steps", True)]
    problems = []
    for i, step in enumerate(steps):
        variants = list(step.variants.all())
        if not variants:
            message = f"Step {i + 1} has no message."
            problems.append(Problem("empty_body", message, f"steps.{i}.variants", True))
        for j, variant in enumerate(variants):
            field = f"steps.{i}.variants.{j}.body"
            where = f"Step {i + 1}, variant {variant.label}"
            if not variant.body.strip():
                problems.append(
                    Problem("empty_body", f"{where}: the message is empty.", field, True)
                )
                continue
            for error in template_errors(campaign.organization, variant.body):
                problems.append(Problem("template_error", f"{where}: {error}", field, True))
    return problems


def _schedule_problems(campaign: Campaign) -> list[Problem]:
    problems = []
    if not campaign.window_days:
        message = "Choose at least one day of the week to send on."
        problems.append(Problem("window_no_days", message, "window_days", True))
    if campaign.window_start >= campaign.window_end:
        message = "The sending window must end after it starts."
        problems.append(Problem("window_empty", message, "window_end", True))
    if campaign.ends_at is not None:
        if campaign.ends_at <= timezone.now():
            message = "The end date is in the past."
            problems.append(Problem("ends_in_past", message, "ends_at", True))
        elif campaign.starts_at is not None and campaign.ends_at <= campaign.starts_at:
            message = "The end date must be after the start date."
            problems.append(Problem("ends_before_start", message, "ends_at", True))
    return problems


def _audience_problems(campaign: Campaign) -> list[Problem]:
    try:
        ids = list(audience_contacts(campaign).values_list("pk", flat=True))
    except ValidationError as error:
        field, messages = next(iter(error.fields.items()), ("audience_filters", [error.message]))
        message = f"The audience filters are not valid: {messages[0]}"
        return [Problem("audience_invalid", message, field, True)]
    if not ids:
        message = "No contact matches the audience."
        return [Problem("audience_empty", message, "audience_filters", True)]
    reachability = classify(campaign, ids)
    reachable = [r.contact_id for r in reachability if not r.reason]
    problems = []
    if not reachable:
        message = f"None of the {_plural(len(ids), 'contact')} in the audience can be reached."
        problems.append(Problem("no_reachable", message, "audience_filters", True))
    labels = dict(Recipient.Reason.choices)
    for reason, count in Counter(r.reason for r in reachability if r.reason).most_common():
        message = f"{_plural(count, 'contact')} won't get messages: {labels.get(reason, reason)}."
        problems.append(Problem(f"unreachable_{reason}", message, "audience_filters", False))
    if reachable:
        for missing in missing_variables(campaign, reachable):
            message = (
                f"Step {missing.step_position + 1}, variant {missing.variant_label}: "
                f"{_plural(missing.contacts, 'contact')} have no {missing.name}; add a default, "
                f'e.g. {{{{ {missing.name} | default:"there" }}}}.'
            )
            field = "steps"
            problems.append(Problem("missing_variable", message, field, False))
    if campaign.daily_cap is not None and campaign.daily_cap < len(reachable):
        days = -(-len(reachable) // campaign.daily_cap)
        message = (
            f"The daily cap of {campaign.daily_cap:,} is lower than the {len(reachable):,} "
            f"reachable contacts: the first step alone takes at least {_plural(days, 'day')}."
        )
        problems.append(Problem("daily_cap_low", message, "daily_cap", False))
    return problems


def launch_problems(campaign: Campaign) -> list[Problem]:
    """Every problem, blocking ones first, each pointing at the setting to fix."""
    problems = [
        *_bot_problems(campaign),
        *_step_problems(campaign),
        *_schedule_problems(campaign),
        *_audience_problems(campaign),
    ]
    return sorted(problems, key=lambda p: not p.blocking)
