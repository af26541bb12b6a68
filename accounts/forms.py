from __future__ import annotations

from django import forms


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Organization name",
        widget=forms.TextInput(attrs={"placeholder": "Acme Ventures", "autofocus": True}),
    )
