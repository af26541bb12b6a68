"""``/api/v1/auth/``: JWT sign-in for people (API clients, scripts, the WebSocket).

``token/`` takes email + password, plus ``otp`` when the account has two-factor authentication,
and returns an access/refresh pair. ``token/refresh/`` rotates the refresh token (the old one is
blacklisted), ``logout/`` blacklists it. Failed sign-ins count towards the same django-axes
lockout as the web form and are throttled per client (scope ``auth``).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenRefreshView as BaseTokenRefreshView

from accounts import signin


class TokenObtainInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=4096)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="Required when the account has two-factor authentication: the current code "
        "from the authenticator app, or one of the backup codes (each works once).",
    )


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="Exchange at `auth/token/refresh/`; single use.")


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The error shape every endpoint answers with (see ``config.exceptions``)."""

    error = serializers.DictField(help_text="`code`, `message` and `fields`.")


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class AuthThrottleMixin:
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class TokenObtainView(AuthThrottleMixin, APIView):
    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        summary="Sign in and obtain a JWT pair",
        auth=[],
        request=TokenObtainInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: _error(
                "Invalid input; `mfa_required` (with `fields.otp`) when the account has "
                "two-factor authentication and no `otp` was sent; `invalid` for a wrong `otp`."
            ),
            401: _error("`invalid_credentials`: wrong email or password, or inactive account."),
            403: _error("`email_unverified`: the email address is not confirmed yet."),
            429: _error(
                "`throttled` (too many requests), `locked_out` (too many failed sign-ins) or "
                "`rate_limited` (too many wrong codes)."
            ),
        },
        examples=[
            OpenApiExample(
                "With two-factor authentication",
                value={"email": "ana@example.com", "password": "…", "otp": "123456"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refresh = signin.api_login(
            request=request._request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            otp=data.validated_data.get("otp", ""),
        )
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


class TokenRefreshView(AuthThrottleMixin, BaseTokenRefreshView):
    @extend_schema(
        operation_id="auth_token_refresh",
        tags=["auth"],
        summary="Rotate the refresh token",
        description="Returns a new access and refresh token; the refresh token sent is "
        "blacklisted and cannot be used again.",
        auth=[],
        request=TokenRefreshSerializer,
        responses={
            200: TokenPairOutputSerializer,
            401: _error("`token_not_valid`: expired, malformed or already used/blacklisted."),
        },
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().post(request, *args, **kwargs)


class LogoutView(AuthThrottleMixin, APIView):
    throttle_classes: list = []

    @extend_schema(
        operation_id="auth_logout",
        tags=["auth"],
        summary="Sign out: blacklist a refresh token",
        auth=[],
        request=RefreshInputSerializer,
        responses={
            204: OpenApiResponse(description="The refresh token no longer works."),
            401: _error("`token_not_valid`: expired, malformed or already blacklisted."),
        },
    )
    def post(self, request: Request) -> Response:
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signin.api_logout(refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)
