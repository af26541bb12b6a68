"""``GET /api/v1/search/?q=``: the one search box over contacts and companies, ranked."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from crm import selectors
from crm.models import Contact

MATCHES = [
    "email", "phone", "username", "telegram_id", "domain", "name", "similar_name", "company",
    "tag", "note",
]  # fmt: skip


class SearchHitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["contact", "company"], source="kind", read_only=True)
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    subtitle = serializers.CharField(read_only=True)
    match = serializers.ChoiceField(choices=MATCHES, read_only=True, help_text="Why it matched.")


class SearchResultsSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True, read_only=True)


class SearchViewSet(OrgScopedViewSet):
    queryset = Contact.objects.none()
    serializer_class = SearchResultsSerializer
    pagination_class = None
    action_permissions = {"list": "crm.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Contact]:
        return Contact.objects.none()

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="Name, email, phone, @username, Telegram id, company, tag or "
                "note text. Typos in names are forgiven.",
            ),
            OpenApiParameter("limit", int, description="At most this many results (1–50)."),
        ],
        responses=SearchResultsSerializer,
    )
    def list(self, request: Request) -> Response:
        """Exact email, @username, phone and Telegram id matches first, then names by
        similarity, then contacts found through their company, a tag or a note."""
        try:
            limit = min(max(int(request.query_params.get("limit", 20)), 1), 50)
        except ValueError:
            limit = 20
        hits = selectors.crm_search(self.organization, request.query_params.get("q", ""), limit)
        return Response({"results": SearchHitSerializer(hits, many=True).data})
