"""``/api/v1/campaign-variables/``: the names a campaign message may use, for the picker."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from campaigns.api.serializers import CampaignVariableSerializer
from campaigns.models import Campaign
from campaigns.variables import campaign_variables

urlpatterns: list = []


class CampaignVariableViewSet(OrgScopedViewSet):
    """Contact, company and sender fields, plus the organization's custom fields."""

    queryset = Campaign.objects.none()
    serializer_class = CampaignVariableSerializer
    pagination_class = None  # a few dozen at most
    action_permissions = {"list": "campaign.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Campaign]:
        return Campaign.objects.none()

    @extend_schema(responses=CampaignVariableSerializer(many=True))
    def list(self, request: Request) -> Response:
        variables = campaign_variables(self.organization)
        return Response(CampaignVariableSerializer(variables, many=True).data)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the app router."""
    router.register("campaign-variables", CampaignVariableViewSet, basename="campaign-variable")
