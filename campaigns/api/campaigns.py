"""``/api/v1/campaigns/``: campaigns with their steps and variants, audience preview, launch
checks, launch/pause/resume/cancel, recipients and analytics (campaigns/api/).

- ``/campaigns/?status=&q=`` (cursor pages), create; ``/campaigns/{id}/`` with steps and
  variants, ``PATCH`` (after launch only some fields), ``DELETE`` (drafts only).
- ``PUT /campaigns/{id}/steps/`` replaces the steps (drafts; paused: texts, weights, delays).
- ``GET …/audience/``, ``GET …/checks/``, ``POST …/preview/`` {body, contact}.
- ``POST …/launch/``, ``…/pause/``, ``…/resume/``, ``…/cancel/``.
- ``GET …/recipients/?status=&reason=&q=`` (cursor pages), ``…/progress/``, ``…/analytics/``.

Reading is for every member (``campaign.view``), writing for those who write to prospects
(``campaign.edit``). Field errors of the steps come back nested like DRF's own, by index:
``{"steps": {"1": {"variants": {"0": {"body": ["…"]}}}}}``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api_base import OrgScopedViewSet
from accounts.errors import NotFound, ValidationError
from accounts.models import Organization
from campaigns import selectors
from campaigns.api.errors import nested_error
from campaigns.api.serializers import (
    AnalyticsSerializer,
    AudienceSerializer,
    CampaignInputSerializer,
    CampaignListSerializer,
    CampaignSerializer,
    ChecksSerializer,
    LaunchSerializer,
    PreviewInputSerializer,
    PreviewSerializer,
    ProblemSerializer,
    ProgressSerializer,
    RecipientSerializer,
    StepsInputSerializer,
    analytics_data,
    audience_data,
)
from campaigns.audience import audience_preview
from campaigns.checks import launch_problems
from campaigns.models import Campaign, Recipient
from campaigns.services import campaigns as campaign_services
from campaigns.services import lifecycle
from campaigns.variables import campaign_variables, render_for, template_errors
from crm.api.pagination import KeysetCursorPagination
from messaging.templating import render

VIEW, EDIT = "campaign.view", "campaign.edit"
MAX_SAMPLE = 50

urlpatterns: list = []


def _choice_param(request: Request, name: str, choices: list[str]) -> str:
    value = request.query_params.get(name, "").strip()
    if value and value not in choices:
        message = f"Choose one of: {', '.join(c for c in choices if c)}."
        raise ValidationError(message, fields={name: [message]})
    return value


def _sample_param(request: Request) -> int:
    raw = request.query_params.get("sample", "").strip()
    if not raw:
        return 10
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_SAMPLE:
        message = f"Enter a whole number from 0 to {MAX_SAMPLE}."
        raise ValidationError(message, fields={"sample": [message]})
    return int(raw)


class CampaignViewSet(OrgScopedViewSet):
    queryset = Campaign.objects.none()
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "create": EDIT,
        "partial_update": EDIT,
        "destroy": EDIT,
        "steps": EDIT,
        "audience": VIEW,
        "checks": VIEW,
        "preview": VIEW,
        "launch": EDIT,
        "pause": EDIT,
        "resume": EDIT,
        "cancel": EDIT,
        "recipients": VIEW,
        "progress": VIEW,
        "analytics": VIEW,
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        action_name = getattr(self, "action", None)
        if action_name == "list":
            return CampaignListSerializer
        if action_name in (None, "create", "partial_update"):
            return CampaignInputSerializer
        return CampaignSerializer

    def get_org_queryset(self, organization: Organization) -> QuerySet[Campaign]:
        return selectors.campaigns_list(organization)

    def _campaign(self, pk: str | None) -> Campaign:
        campaign = selectors.campaign_get(self.organization, pk)
        if campaign is None:
            raise NotFound("Campaign not found.")
        return campaign

    def _output(self, campaign: Campaign) -> dict[str, Any]:
        return CampaignSerializer(self._campaign(campaign.pk)).data

    def _input(self, request: Request, *, partial: bool) -> dict[str, Any]:
        data = CampaignInputSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Campaign.Status.values),
            OpenApiParameter("q", str, description="Name or description contains."),
        ],
        responses=CampaignListSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        campaigns = selectors.campaigns_list(
            self.organization,
            status=_choice_param(request, "status", Campaign.Status.values),
            q=request.query_params.get("q", ""),
        )
        page = self.paginate_queryset(campaigns)
        return self.get_paginated_response(CampaignListSerializer(page, many=True).data)

    @extend_schema(responses=CampaignSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(CampaignSerializer(self._campaign(pk)).data)

    @extend_schema(
        request=CampaignInputSerializer, responses={status.HTTP_201_CREATED: CampaignSerializer}
    )
    def create(self, request: Request) -> Response:
        campaign = campaign_services.campaign_create(
            organization=self.organization,
            actor=request.user,
            data=self._input(request, partial=False),
        )
        return Response(self._output(campaign), status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignInputSerializer, responses=CampaignSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._campaign(pk)
        campaign = campaign_services.campaign_update(
            campaign=campaign, actor=request.user, data=self._input(request, partial=True)
        )
        return Response(self._output(campaign))

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        campaign_services.campaign_delete(campaign=self._campaign(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=StepsInputSerializer,
        responses=CampaignSerializer,
        description="Every step in order, each with its variants. Drafts: replaces all steps. "
        "Paused campaigns: same number of steps and variants; only texts, weights and delays "
        "change. Errors are nested by index: "
        '`{"steps": {"<i>": {"variants": {"<j>": {"body": [...]}}}}}`.',
    )
    @action(detail=True, methods=["put"])
    def steps(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._campaign(pk)
        data = StepsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        steps = [
            {**step, "variants": [dict(v) for v in step["variants"]]}
            for step in data.validated_data["steps"]
        ]
        try:
            campaign_services.campaign_steps_set(campaign=campaign, actor=request.user, steps=steps)
        except ValidationError as error:
            raise nested_error(error) from error
        return Response(self._output(campaign))

    @extend_schema(
        parameters=[OpenApiParameter("sample", int, description="Sample size, 0–50 (10).")],
        responses=AudienceSerializer,
        description="Who the campaign would reach now: counts by reason and a sample.",
    )
    @action(detail=True, methods=["get"])
    def audience(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._campaign(pk)
        preview = audience_preview(campaign, sample=_sample_param(request))
        return Response(AudienceSerializer(audience_data(preview)).data)

    @extend_schema(
        responses=ChecksSerializer,
        description="What stops a launch (blocking) and what to look at first (warnings).",
    )
    @action(detail=True, methods=["get"])
    def checks(self, request: Request, pk: str | None = None) -> Response:
        problems = launch_problems(self._campaign(pk))
        can_launch = not any(problem.blocking for problem in problems)
        return Response(ChecksSerializer({"can_launch": can_launch, "problems": problems}).data)

    @extend_schema(
        request=PreviewInputSerializer,
        responses=PreviewSerializer,
        description="A message template rendered for one contact (or with example values).",
    )
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._campaign(pk)
        data = PreviewInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        body, contact = data.validated_data["body"], data.validated_data.get("contact")
        errors = template_errors(self.organization, body)
        if errors:
            raise ValidationError(errors[0], fields={"body": errors})
        if contact is not None:
            text = render_for(campaign, body, contact)
        else:
            examples = {v.name: v.example for v in campaign_variables(self.organization)}
            text = render(body, lambda name: examples.get(name, ""))
        return Response({"text": text})

    @extend_schema(
        request=None,
        responses=LaunchSerializer,
        description="Enrols the audience and starts sending (at starts_at when later). "
        "Refused with code `launch_blocked`, the field errors and `problems` (the blocking ones) "
        "when the campaign is not ready.",
    )
    @action(detail=True, methods=["post"])
    def launch(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._campaign(pk)
        try:
            result = lifecycle.campaign_launch(campaign=campaign, actor=request.user)
        except ValidationError as error:
            if error.code != "launch_blocked":
                raise
            blocking = [p for p in launch_problems(self._campaign(pk)) if p.blocking]
            body = {
                "error": {
                    "code": error.code,
                    "message": error.message,
                    "fields": error.fields,
                    "problems": ProblemSerializer(blocking, many=True).data,
                }
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "enrolled": result.enrolled,
                "unreachable": result.unreachable,
                "campaign": self._output(campaign),
            }
        )

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        campaign = lifecycle.campaign_pause(campaign=self._campaign(pk), actor=request.user)
        return Response(self._output(campaign))

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        campaign = lifecycle.campaign_resume(campaign=self._campaign(pk), actor=request.user)
        return Response(self._output(campaign))

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        campaign = lifecycle.campaign_cancel(campaign=self._campaign(pk), actor=request.user)
        return Response(self._output(campaign))

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Recipient.Status.values),
            OpenApiParameter("reason", str, enum=[r for r in Recipient.Reason.values if r]),
            OpenApiParameter("q", str, description="Contact name or @username contains."),
        ],
        responses=RecipientSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def recipients(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._campaign(pk)
        recipients = selectors.recipients_list(
            campaign,
            status=_choice_param(request, "status", Recipient.Status.values),
            reason=_choice_param(request, "reason", Recipient.Reason.values),
            q=request.query_params.get("q", ""),
        )
        page = self.paginate_queryset(recipients)
        return self.get_paginated_response(RecipientSerializer(page, many=True).data)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        progress = selectors.campaign_progress(self._campaign(pk))
        return Response(ProgressSerializer(progress).data)

    @extend_schema(
        responses=AnalyticsSerializer,
        description="Funnel (enrolled → sent → delivered → replied → deal created → won), "
        "per-step and per-variant results with significance against variant A, and daily "
        "sends and replies in the organization's time zone.",
    )
    @action(detail=True, methods=["get"])
    def analytics(self, request: Request, pk: str | None = None) -> Response:
        analytics = selectors.campaign_analytics(self._campaign(pk))
        return Response(AnalyticsSerializer(analytics_data(analytics)).data)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the app router."""
    router.register("campaigns", CampaignViewSet, basename="campaign")
