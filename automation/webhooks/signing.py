"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A receiver recomputes ``base64(HMAC-SHA256(key, f"{webhook-id}.{webhook-timestamp}.{body}"))``
with the key it was given (``whsec_`` + base64 of the raw key) and compares it with each
``v1,<signature>`` in the ``webhook-signature`` header. During a secret rotation the header
carries one signature per live secret, space-separated, so receivers still holding the old
secret keep verifying until the overlap ends.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as secrets_module

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24


def secret_generate() -> str:
    """A new endpoint secret: ``whsec_`` + base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets_module.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed with the decoded secret."""
    digest = hmac.new(
        _key(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256
    ).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets: list[str], msg_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` value: one signature per secret, space-separated."""
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets if secret)
