import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from config.logging import RedactSecretsFilter

ROOT = Path(__file__).resolve().parent.parent

# Two requests a production process logs: a 405 logged inside the middleware, and a 503 that
# Django logs after the middleware returned (no worker runs, so /readyz is not ready).
REQUESTS = """
from django.test import Client
client = Client(HTTP_HOST="bidi.example.com")
client.post("/healthz", secure=True, headers={"X-Request-ID": "req-405"})
client.get("/readyz", secure=True, headers={"X-Request-ID": "req-503"})
"""


def test_a_request_id_from_the_proxy_is_echoed_in_the_response(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.1"})

    assert response["X-Request-ID"] == "edge-7f3a.1"


def test_each_request_without_an_id_gets_a_fresh_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize("forged", ["a b", "x" * 200, "id\u00e9", "<script>"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, forged):
    response = client.get("/healthz", headers={"X-Request-ID": forged})

    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_production_logs_one_json_object_per_line_with_the_request_id(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REQUESTS],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    by_request = {line["request_id"]: line for line in lines}
    assert by_request["req-405"]["level"] == "WARNING"
    assert by_request["req-405"]["logger"] == "django.request"
    assert by_request["req-405"]["message"] == "Method Not Allowed (POST): /healthz"
    assert by_request["req-503"]["level"] == "ERROR"
    assert by_request["req-503"]["message"] == "Service Unavailable: /readyz"
    assert by_request["req-503"]["status_code"] == 503


def test_a_jwt_in_a_logged_url_is_redacted():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        "",
        0,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws/?token=eyJhbGciOi.secret.sig&x=1"),
        None,
    )

    RedactSecretsFilter().filter(record)

    assert (
        record.getMessage() == '127.0.0.1:5000 - "WebSocket /ws/?token=[redacted]&x=1" [accepted]'
    )
