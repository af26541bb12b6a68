"""What every app's trigger actions, subjects and time sources share: member choices, checking
an id param belongs to the organization, finding the subject an action needs, and turning a
service's refusal into a message for the run log.

Apps register their own (``<app>/automation_hooks.py``); this module keeps them short and
their messages alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from accounts.errors import DomainError, RateLimited, ValidationError
from accounts.models import Membership, Organization, User
from accounts.selectors import members_list
from automation.registry import ActionContext, ActionError, TransientActionError


def member_choices(organization: Organization) -> list[tuple[str, str]]:
    """The organization's members as (user id, name) for a select."""
    return [(str(row.user_id), _member_label(row.user)) for row in members_list(organization)]


def _member_label(user: User) -> str:
    name = getattr(user, "full_name", "") or ""
    return f"{name} ({user.email})" if name else user.email


def id_of(value: Any) -> int | None:
    """``value`` as a positive id ("12", 12), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def member_clean(organization: Organization, value: Any, field: str) -> int:
    """The user id of a member of ``organization``; ``ValidationError`` on ``field`` otherwise."""
    pk = id_of(value)
    if pk is None or not Membership.objects.filter(organization=organization, user_id=pk).exists():
        raise ValidationError(
            "Choose a member of this organization.",
            fields={field: ["Choose a member of this organization."]},
        )
    return pk


def member_get(organization: Organization, pk: Any) -> User:
    """The member a saved trigger names; ``ActionError`` if they have left since."""
    membership = (
        Membership.objects.filter(organization=organization, user_id=id_of(pk))
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ActionError("The member this automation names is no longer in the organization.")
    return membership.user


def text_required(params: dict[str, Any], field: str, max_length: int, what: str) -> str:
    """A required text param, stripped; ``ValidationError`` on ``field`` when empty or long."""
    text = str(params.get(field) or "").strip()
    if not text:
        raise ValidationError(f"Write the {what}.", fields={field: [f"Write the {what}."]})
    if len(text) > max_length:
        message = f"Keep it under {max_length:,} characters."
        raise ValidationError(message, fields={field: [message]})
    return text


def days_clean(params: dict[str, Any], *, maximum: int = 365) -> int:
    """The ``days`` param of a time source: a whole number from 1 to ``maximum``."""
    days = params.get("days")
    text = "" if days is None or isinstance(days, bool) else str(days).strip()
    if not text.isdigit():
        message = "Enter a whole number of days."
        raise ValidationError(message, fields={"days": [message]})
    value = int(text)
    if not 1 <= value <= maximum:
        message = f"Choose between 1 and {maximum} days."
        raise ValidationError(message, fields={"days": [message]})
    return value


def subject_of(ctx: ActionContext, key: str, what: str) -> dict[str, Any]:
    """The subject ``key`` of the run's context, or ``ActionError`` naming ``what`` is missing."""
    found = ctx.context.get(key)
    if not found or not found.get("id"):
        raise ActionError(f"This event has no {what} to act on.")
    return found


def actor_of(ctx: ActionContext) -> User:
    """The member the trigger acts as; services check their permissions."""
    if ctx.actor is None:
        raise ActionError(
            "This automation has no member to act as (its creator left): edit and save it again."
        )
    return ctx.actor


def render(text: str, ctx: ActionContext) -> str:
    """``text`` with its ``{{ subject.field }}`` placeholders filled from the run's context."""
    from automation.triggers.context import render_text

    return render_text(text, ctx.context)


@contextmanager
def refusals_as_action_errors() -> Iterator[None]:
    """A service's refusal (permission, validation, not found) fails the action with its
    message; a rate limit with a retry time is worth retrying."""
    try:
        yield
    except RateLimited as error:
        retry_after = getattr(error, "retry_after", None)
        raise TransientActionError(error.message, retry_after=retry_after) from error
    except DomainError as error:
        raise ActionError(error.message) from error


def choices_of(
    rows: Callable[[Organization], list[tuple[Any, str]]],
) -> Callable[[Organization], list[tuple[str, str]]]:
    """Choices with string values (what selects post back), from (value, label) rows."""

    def choices(organization: Organization) -> list[tuple[str, str]]:
        return [(str(value), label) for value, label in rows(organization)]

    return choices
