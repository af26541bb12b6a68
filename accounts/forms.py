"""Web forms of accounts. They check shape (required, length, choices); the services decide
everything else and their ``DomainError`` field messages land next to the fields here."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.db.models import QuerySet

from accounts.currencies import CURRENCY_CHOICES
from accounts.errors import DomainError
from accounts.models import ApiKey, User
from accounts.permissions import Role


class DomainErrorForm(forms.Form):
    """A form a view hands to a service; the service's ``DomainError`` lands next to the
    fields it names."""

    def add_domain_error(self, exc: DomainError) -> None:
        """Place each field message on its field, or the message above the form."""
        known = {name: msgs for name, msgs in exc.fields.items() if name in self.fields}
        if len(known) == 1:
            # One field at fault: the service's full sentence reads better than its short code.
            self.add_error(next(iter(known)), exc.message)
            return
        for name, msgs in known.items():
            for message in msgs:
                self.add_error(name, message)
        if not known:
            self.add_error(None, exc.message)


def _role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in roles]


_TIME_ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@cache
def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """IANA zones grouped by region, without the legacy aliases (``US/Eastern``, ``Etc/…``)."""
    zones = zoneinfo.available_timezones()
    groups = [("UTC", [("UTC", "UTC")])]
    for region in _TIME_ZONE_REGIONS:
        names = sorted(z for z in zones if z.startswith(f"{region}/"))
        groups.append(
            (region, [(z, z.split("/", 1)[1].replace("_", " ").replace("/", " / ")) for z in names])
        )
    return groups


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Organization name",
        widget=forms.TextInput(attrs={"placeholder": "Acme Ventures", "autofocus": True}),
    )


class ProfileForm(DomainErrorForm):
    full_name = forms.CharField(
        max_length=150,
        required=False,
        label="Full name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Your local time zone, for the dates and times BiDi shows you.",
    )


class OrganizationRenameForm(DomainErrorForm):
    name = forms.CharField(max_length=120, label="Organization name")
    default_currency = forms.ChoiceField(
        choices=CURRENCY_CHOICES,
        required=False,
        label="Default currency",
        help_text="New deals start in this currency (ISO 4217).",
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        required=False,
        label="Time zone",
        help_text="Scheduled automations run on this clock.",
    )


class OrganizationSecurityForm(DomainErrorForm):
    require_mfa = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for all members",
        help_text="Members without an authenticator app are asked to set one up before they "
        "can continue.",
    )


class OwnershipTransferForm(DomainErrorForm):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="New owner",
        empty_label="Choose a member…",
        error_messages={"invalid_choice": "Choose a member of this organization."},
    )
    confirm = forms.BooleanField(
        label="I understand that I will become an admin and cannot undo this myself.",
        error_messages={"required": "Tick the box to confirm the transfer."},
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = candidates
        field.label_from_instance = lambda user: f"{user.display_name} ({user.email})"


class InvitationForm(DomainErrorForm):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"placeholder": "name@company.com", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["role"].initial = Role.BIDI if Role.BIDI in roles else None


class MemberRoleForm(DomainErrorForm):
    role = forms.ChoiceField(label="Role", widget=forms.Select(attrs={"class": "form-select-sm"}))

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class ApiKeyForm(DomainErrorForm):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="Say what uses it, e.g. “Zapier” or “Data warehouse sync”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        initial=[ApiKey.Scope.READ],
        label="Access",
        error_messages={"required": "Choose at least one scope."},
    )


class AuditFilterForm(DomainErrorForm):
    action = forms.ChoiceField(required=False, label="Action")
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Actor")

    def __init__(
        self, *args: Any, actions: list[str], actors: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "All actions"), *((a, a) for a in actions)]
        self.fields["actor"].choices = [("", "Everyone"), *actors]


def _one_time_code_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "off",
            "spellcheck": "false",
            **attrs,
        }
    )


class MFAVerifyForm(DomainErrorForm):
    code = forms.CharField(
        max_length=20,
        label="Authentication code",
        widget=_one_time_code_input(placeholder="123456", autofocus=True),
        error_messages={"required": "Enter the code from your authenticator app."},
    )


class MFAEnrolForm(DomainErrorForm):
    token = forms.CharField(
        max_length=12,
        label="6-digit code from the app",
        widget=_one_time_code_input(placeholder="123456"),
        error_messages={"required": "Enter the code your app shows for BiDi."},
    )


class MFADisableForm(DomainErrorForm):
    confirmation = forms.CharField(
        max_length=128,
        label="Authentication code or password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="A current code from your app, a backup code, or your account password.",
        error_messages={"required": "Confirm it is you with a code or your password."},
    )


class SocialSignupForm(AllauthSocialSignupForm):
    """allauth's social sign-up form (``SOCIALACCOUNT_FORMS``), saying why it asks for an email
    when the provider shared none (Telegram): the address gets a confirmation link first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "email" in self.fields and not self.initial.get("email"):
            self.fields["email"].help_text = (
                f"{self.sociallogin.provider.name} doesn't share your email address. "
                "We'll send you a link to confirm it."
            )
