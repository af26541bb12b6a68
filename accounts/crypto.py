"""Encryption at rest for third-party secrets (bot tokens, AI keys, webhook signing secrets):
Fernet with a key from settings. It lives in accounts (the ground floor) so every app may use it.

The key is ``settings.ENCRYPTION_KEY`` (env ``BIDI_ENCRYPTION_KEY``: any string; it is stretched
with HKDF) or, when unset, derived from ``SECRET_KEY`` with HKDF under a purpose label — so a
stolen database dump alone reveals no token. Rotating SECRET_KEY without setting
BIDI_ENCRYPTION_KEY makes stored tokens unreadable: set the variable before rotating.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

# The label predates the module's move from messaging; changing it would make stored secrets
# unreadable.
_PURPOSE = b"bidi.messaging.field-encryption.v1"


@functools.cache
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _current() -> Fernet:
    return _fernet(settings.ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """The plaintext; raises ``InvalidToken`` when the key changed since it was encrypted."""
    return _current().decrypt(ciphertext.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python code sees the plaintext."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            # A key change must not make the row unloadable: the admin can reconnect the bot.
            return ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
