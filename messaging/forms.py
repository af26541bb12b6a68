"""Web forms of messaging: shape only; the services decide and their errors land here."""

from __future__ import annotations

from django import forms

from accounts.forms import DomainErrorForm


class BotConnectForm(DomainErrorForm):
    token = forms.CharField(
        label="Bot token",
        max_length=100,
        strip=True,
        help_text="From @BotFather: /newbot, or /mybots → your bot → API Token.",
        widget=forms.PasswordInput(
            render_value=True,
            attrs={"autocomplete": "off", "placeholder": "123456789:AAE…", "spellcheck": "false"},
        ),
        error_messages={"required": "Paste the bot's token."},
    )
    name = forms.CharField(
        label="Name",
        max_length=120,
        required=False,
        help_text="Shown in BiDi. Defaults to the bot's name in Telegram.",
    )


class ResponseTemplateForm(DomainErrorForm):
    name = forms.CharField(
        label="Name",
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "Pricing"}),
        error_messages={"required": "Name the template."},
    )
    shortcut = forms.CharField(
        label="Shortcut",
        max_length=32,
        required=False,
        help_text="Type it in the composer to insert the response.",
        widget=forms.TextInput(
            attrs={"placeholder": "/price", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    body = forms.CharField(
        label="Response",
        max_length=4096,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "Hi {{ contact.first_name | there }}, …"}
        ),
        error_messages={"required": "Write the response."},
    )
