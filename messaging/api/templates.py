"""``/api/v1/response-templates/``: canned responses. Every member lists them and renders one
for a chat (``POST /response-templates/{id}/render/`` with ``{"chat": id}`` answers the text
the composer inserts); members who write to prospects (``template.manage``) create, edit and
delete them. ``?search=`` matches a shortcut's start or part of a name;
``GET /response-templates/variables/`` lists the variables a body may use."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgPrimaryKeyRelatedField, OrgScopedViewSet
from accounts.models import Organization
from crm.api.pagination import KeysetCursorPagination
from messaging import selectors
from messaging.models import Chat, ResponseTemplate
from messaging.services import templates as template_services


class ResponseTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponseTemplate
        fields = ["id", "name", "shortcut", "body", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class ResponseTemplateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=template_services.MAX_NAME)
    shortcut = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="e.g. /price; optional."
    )
    body = serializers.CharField(
        max_length=template_services.MAX_BODY,
        trim_whitespace=False,
        help_text="Text with variables such as {{ contact.first_name }} or "
        "{{ contact.first_name | there }} (with a fallback).",
    )


class RenderInputSerializer(serializers.Serializer):
    chat = OrgPrimaryKeyRelatedField(queryset=Chat.objects.all())


class RenderedSerializer(serializers.Serializer):
    text = serializers.CharField()


class VariableSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Shortcut prefix or part of the name."
            )
        ]
    )
)
class ResponseTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = ResponseTemplate.objects.none()
    serializer_class = ResponseTemplateSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "template.view",
        "retrieve": "template.view",
        "variables": "template.view",
        "render_for_chat": "template.view",
        "create": "template.manage",
        "partial_update": "template.manage",
        "destroy": "template.manage",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[ResponseTemplate]:
        search = self.request.query_params.get("search", "") if self.action == "list" else ""
        return selectors.response_templates_list(organization, search=search)

    @extend_schema(
        request=ResponseTemplateInputSerializer,
        responses={status.HTTP_201_CREATED: ResponseTemplateSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ResponseTemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = template_services.response_template_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(ResponseTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResponseTemplateInputSerializer, responses=ResponseTemplateSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        data = ResponseTemplateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        template = template_services.response_template_update(
            template=template, actor=request.user, data=data.validated_data
        )
        return Response(ResponseTemplateSerializer(template).data)

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        template_services.response_template_delete(template=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=RenderInputSerializer,
        responses=RenderedSerializer,
        description="The template's text for a chat, variables filled in, for the composer.",
    )
    @action(detail=True, methods=["post"], url_path="render")
    def render_for_chat(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        data = RenderInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        text = template_services.response_template_render(
            template=template, chat=data.validated_data["chat"], user=request.user
        )
        return Response(RenderedSerializer({"text": text}).data)

    @extend_schema(responses=VariableSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def variables(self, request: Request) -> Response:
        return Response(VariableSerializer(template_services.template_variables(), many=True).data)
