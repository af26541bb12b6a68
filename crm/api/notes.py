"""``/api/v1/notes/``: notes on contacts, companies and deals, newest first; add, edit, delete.

A deal is ``pipelines.Deal``, reached through ``Note.deal`` (crm does not import pipelines)."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgPrimaryKeyRelatedField, OrgScopedViewSet
from accounts.errors import PermissionDenied, ValidationError
from accounts.models import Organization
from crm import selectors
from crm.api.pagination import KeysetCursorPagination
from crm.markdown import markdown_render
from crm.models import Company, Contact, Note
from crm.services import notes as note_services

Deal = Note._meta.get_field("deal").related_model


class NoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    body = serializers.CharField(read_only=True, help_text="Markdown.")
    body_html = serializers.SerializerMethodField(help_text="The body rendered, sanitised.")
    contact = serializers.IntegerField(read_only=True, source="contact_id", allow_null=True)
    company = serializers.IntegerField(read_only=True, source="company_id", allow_null=True)
    deal = serializers.IntegerField(read_only=True, source="deal_id", allow_null=True)
    author = UserSummarySerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_body_html(self, note: Note) -> str:
        return str(markdown_render(note.body))


class NoteInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=note_services.MAX_BODY)
    contact = OrgPrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    company = OrgPrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True
    )
    deal = OrgPrimaryKeyRelatedField(queryset=Deal.objects.all(), required=False, allow_null=True)


class NoteUpdateInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=note_services.MAX_BODY)


SUBJECT_PARAMETERS = [
    OpenApiParameter("contact", int, description="Only notes on this contact."),
    OpenApiParameter("company", int, description="Only notes on this company."),
    OpenApiParameter("deal", int, description="Only notes on this deal."),
]


class NoteViewSet(OrgScopedViewSet):
    queryset = Note.objects.none()
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "crm.view",
        "retrieve": "crm.view",
        "create": "crm.edit",
        "partial_update": "crm.edit",
        "destroy": "crm.edit",
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "action", None) in ("list", "retrieve"):
            return NoteOutputSerializer
        return NoteInputSerializer

    def get_org_queryset(self, organization: Organization) -> QuerySet[Note]:
        return selectors.notes_list(organization)

    def _subject(self, name: str, model: type[Model]) -> Model | None:
        raw = self.request.query_params.get(name, "").strip()
        if not raw:
            return None
        found = (
            model.objects.filter(organization=self.organization, pk=raw).first()
            if (raw.isdigit())
            else None
        )
        if found is None:
            raise ValidationError(f"No such {name}.", fields={name: [f"No such {name}."]})
        return found

    def _require_change(self, note: Note) -> None:
        """The author, or someone whose rights in this request include ``crm.delete`` (an API
        key acts with its scope's role, not its creator's)."""
        if note.author_id != self.request.user.pk and not self.org_context.has_perm("crm.delete"):
            raise PermissionDenied(
                "Only the note's author or an admin can change it.", perm="crm.delete"
            )

    @extend_schema(parameters=SUBJECT_PARAMETERS, responses=NoteOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        notes = selectors.notes_list(
            self.organization,
            contact=self._subject("contact", Contact),
            company=self._subject("company", Company),
            deal=self._subject("deal", Deal),
        )
        page = self.paginate_queryset(notes)
        return self.get_paginated_response(NoteOutputSerializer(page, many=True).data)

    @extend_schema(responses=NoteOutputSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(NoteOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=NoteInputSerializer, responses={status.HTTP_201_CREATED: NoteOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        """Add a note to a contact, a company or a deal (or several of them)."""
        data = NoteInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        note = note_services.note_add(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteUpdateInputSerializer, responses=NoteOutputSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Edit the text: the author, or owners and admins."""
        note = self.get_object()
        self._require_change(note)
        data = NoteUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_services.note_update(
            note=note, actor=request.user, body=data.validated_data["body"]
        )
        return Response(NoteOutputSerializer(note).data)

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        note = self.get_object()
        self._require_change(note)
        note_services.note_delete(note=note, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
