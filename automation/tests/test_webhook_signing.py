"""Signatures follow Standard Webhooks: the ``standardwebhooks`` package verifies them."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from automation.webhooks.signing import secret_generate, sign, signature_header


def test_a_new_secret_is_whsec_and_24_random_bytes():
    secret = secret_generate()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert secret != secret_generate()


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    expected = base64.b64encode(
        hmac.new(
            base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            b'msg_1.1700000000.{"a":1}',
            hashlib.sha256,
        ).digest()
    ).decode()

    assert sign(secret, "msg_1", 1700000000, '{"a":1}') == f"v1,{expected}"


def test_the_standardwebhooks_package_verifies_our_signature():
    secret = secret_generate()
    timestamp = int(datetime.now(UTC).timestamp())
    body = '{"type":"deal.won","data":{"deal":{"id":3}}}'
    headers = {
        "webhook-id": "msg_42",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header([secret], "msg_42", timestamp, body),
    }

    assert Webhook(secret).verify(body, headers) == {
        "type": "deal.won",
        "data": {"deal": {"id": 3}},
    }


def test_a_changed_body_fails_verification():
    secret = secret_generate()
    timestamp = int(datetime.now(UTC).timestamp())
    headers = {
        "webhook-id": "msg_42",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header([secret], "msg_42", timestamp, '{"a":1}'),
    }

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"a":2}', headers)


def test_two_secrets_give_two_space_separated_signatures():
    old, new = secret_generate(), secret_generate()

    header = signature_header([new, old], "msg_1", 1700000000, "{}")

    assert header.split(" ") == [
        sign(new, "msg_1", 1700000000, "{}"),
        sign(old, "msg_1", 1700000000, "{}"),
    ]
