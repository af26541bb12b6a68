"""A fake Google OAuth 2.0 / OpenID Connect server on 127.0.0.1.

It speaks the parts of Google's protocol a web sign-in uses, at Google's own paths, so pointing
``GOOGLE_OAUTH_BASE_URL`` at ``FakeGoogle.url`` is the only change the application sees:

- ``GET /o/oauth2/v2/auth``: the consent screen. Signs in ``FakeGoogle.user`` and redirects to
  ``redirect_uri`` with ``code`` and ``state`` (or ``error=access_denied`` when ``deny`` is set).
- ``POST /token``: the ``authorization_code`` grant with client secret and PKCE (S256); answers
  an access token and an RS256-signed id_token (issuer: this server's URL).
- ``GET /oauth2/v2/userinfo``: the profile for a bearer access token.
- ``GET /oauth2/v1/certs`` (PEM certificates by key id) and ``/oauth2/v3/certs`` (JWKS).

Codes are single use and bound to client, redirect URI and PKCE challenge, as at Google. Every
request is recorded in ``requests``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass
class GoogleUser:
    """The Google account that signs in at the consent screen."""

    sub: str = "108234567890123456789"
    email: str = "ada@example.com"
    email_verified: bool = True
    given_name: str = "Ada"
    family_name: str = "Lovelace"
    picture: str = "https://lh3.googleusercontent.com/a/ada"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    scope: str
    user: GoogleUser
    code_challenge: str | None
    code_challenge_method: str | None


@dataclass
class FakeGoogle:
    client_id: str
    client_secret: str
    user: GoogleUser = field(default_factory=GoogleUser)
    # The user presses "Cancel" at the consent screen.
    deny: bool = False
    # Issue id_tokens for another audience (a token minted for some other application).
    id_token_audience: str | None = None
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(20)
        self._codes: dict[str, _Grant] = {}
        self._access_tokens: dict[str, GoogleUser] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FakeGoogle:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- endpoints ------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id:
            return 400, {}, {"error": "invalid_client", "error_description": "Unknown client."}
        if query.get("response_type") != "code" or not redirect_uri:
            return 400, {}, {"error": "invalid_request"}
        if not set(query.get("scope", "").split()) & {"openid", "email", "profile"}:
            return 400, {}, {"error": "invalid_scope"}
        state = {"state": query["state"]} if "state" in query else {}
        if self.deny:
            return 302, {"Location": _with_query(redirect_uri, error="access_denied", **state)}, ""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(
                client_id=self.client_id,
                redirect_uri=redirect_uri,
                scope=query.get("scope", ""),
                user=self.user,
                code_challenge=query.get("code_challenge"),
                code_challenge_method=query.get("code_challenge_method"),
            )
        location = _with_query(redirect_uri, code=code, scope=query.get("scope", ""), **state)
        return 302, {"Location": location}, ""

    def token(self, form: dict[str, str], headers: dict[str, str]) -> tuple[int, dict, Any]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if auth := headers.get("Authorization", "").removeprefix("Basic "):
            client_id, _, client_secret = base64.b64decode(auth).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {}, {"error": "invalid_client", "error_description": "Unauthorized"}
        if form.get("grant_type") != "authorization_code":
            return 400, {}, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {}, {"error": "invalid_grant", "error_description": "Bad Request"}
        if grant.code_challenge and not _pkce_matches(grant, form.get("code_verifier", "")):
            return 400, {}, {"error": "invalid_grant", "error_description": "Invalid verifier."}
        access_token = "ya29." + secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = grant.user
        body = {
            "access_token": access_token,
            "expires_in": 3599,
            "scope": grant.scope,
            "token_type": "Bearer",
            "id_token": self.id_token(grant.user, access_token=access_token),
        }
        return 200, {}, body

    def userinfo(self, headers: dict[str, str]) -> tuple[int, dict, Any]:
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        user = self._access_tokens.get(token)
        if user is None:
            return 401, {}, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
        return (
            200,
            {},
            {
                "id": user.sub,
                "email": user.email,
                "verified_email": user.email_verified,
                "name": user.name,
                "given_name": user.given_name,
                "family_name": user.family_name,
                "picture": user.picture,
            },
        )

    def certs_pem(self) -> dict[str, str]:
        return {self.kid: self._certificate().public_bytes(serialization.Encoding.PEM).decode()}

    def certs_jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # --- tokens ---------------------------------------------------------------------------

    def id_token(self, user: GoogleUser, *, access_token: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()
        claims = {
            "iss": self.url,
            "azp": self.client_id,
            "aud": self.id_token_audience or self.client_id,
            "sub": user.sub,
            "email": user.email,
            "email_verified": user.email_verified,
            "at_hash": base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode(),
            "name": user.name,
            "picture": user.picture,
            "given_name": user.given_name,
            "family_name": user.family_name,
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def _certificate(self) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google-oauth")])
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(self._key, hashes.SHA256())
        )


def _pkce_matches(grant: _Grant, verifier: str) -> bool:
    if grant.code_challenge_method != "S256":
        return secrets.compare_digest(verifier, grant.code_challenge or "")
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, grant.code_challenge or "")


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


def _handler_for(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(raw)) if self.command == "POST" else {}
            headers = dict(self.headers.items())
            fake.requests.append(RecordedRequest(self.command, parts.path, query, form, headers))
            route = (self.command, parts.path)
            if route == ("GET", "/o/oauth2/v2/auth"):
                status, extra, body = fake.authorize(query)
            elif route == ("POST", "/token"):
                status, extra, body = fake.token(form, headers)
            elif route == ("GET", "/oauth2/v2/userinfo"):
                status, extra, body = fake.userinfo(headers)
            elif route == ("GET", "/oauth2/v1/certs"):
                status, extra, body = 200, {}, fake.certs_pem()
            elif route == ("GET", "/oauth2/v3/certs"):
                status, extra, body = 200, {}, fake.certs_jwks()
            else:
                status, extra, body = 404, {}, {"error": "not_found"}
            payload = json.dumps(body).encode() if body != "" else b""
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet; the fake records requests instead."""

    return Handler
