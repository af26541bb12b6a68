"""Accounts API, one module per resource. ``config.api_urls`` mounts ``router`` and
``urlpatterns`` under ``/api/v1/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import api_keys, audit, auth, invitations, me, members, organizations
from accounts.api import openapi as openapi  # registers the schema's auth extensions

router = SimpleRouter()
router.register("organizations", organizations.OrganizationViewSet, basename="organization")
router.register("members", members.MemberViewSet, basename="member")
router.register("invitations", invitations.InvitationViewSet, basename="invitation")
router.register("api-keys", api_keys.ApiKeyViewSet, basename="apikey")
router.register("audit-log", audit.AuditLogViewSet, basename="auditentry")

urlpatterns: list = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="api_token_obtain"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="api_token_refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="api_logout"),
    path(
        "me/",
        me.MeViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="api_me",
    ),
    # Mounted before the router, whose invitations/<pk>/ would otherwise take "accept" for an id.
    path(
        "invitations/accept/",
        invitations.InvitationAcceptView.as_view(),
        name="api_invitation_accept",
    ),
]
