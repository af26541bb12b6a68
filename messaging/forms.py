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


class MessageComposeForm(DomainErrorForm):
    text = forms.CharField(
        label="Message",
        max_length=4096,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a message…"}),
    )
    attachment = forms.FileField(label="Attachment", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError("Write a message or attach a file.")
        return data
