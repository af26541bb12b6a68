"""How the API's authentication classes appear in the OpenAPI schema (``/api/schema/``).

drf-spectacular finds these extensions by subclassing; ``accounts.api`` imports this module.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organization API key: `Api-Key bidi_…`.",
        }


class BiDiJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"


class BiDiSessionScheme(SessionScheme):
    target_class = "accounts.authentication.SessionAuthentication"


# For endpoints about the signed-in person, which API keys may not use.
USER_CREDENTIALS: list[dict[str, list[str]]] = [
    {BiDiJWTScheme.name: []},
    {BiDiSessionScheme.name: []},
]
