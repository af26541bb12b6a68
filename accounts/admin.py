"""Django admin for accounts. Rows with business rules are read-only; actions call services."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts import services
from accounts.admin_base import (
    OrgAwareModelAdmin,
    OrgScopedAdminMixin,
    ReadOnlyAdminMixin,
    admin_organization_ids,
    run_service_action,
)
from accounts.models import (
    ApiKey,
    AuditEntry,
    Invitation,
    Membership,
    Organization,
    User,
    UserSession,
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes: dict = {}

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class UserMembershipInline(admin.TabularInline):
    """Memberships change through invitations, role changes and transfers, never here."""

    model = Membership
    fk_name = "user"
    fields = ("organization", "role", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_staff", "is_active", "is_superuser")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "time_zone")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1")}),
        (None, {"classes": ("wide",), "fields": ("password2",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        allowed = admin_organization_ids(request.user, "member.manage")
        return queryset.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), organization_id__in=allowed))
        )


class OrganizationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    fields = ("user", "role", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user")


@admin.register(Organization)
class OrganizationAdmin(OrgScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Organizations are created, renamed and handed over in the product, by their members."""

    org_permission = "organization.manage"
    org_lookup = "pk"
    list_display = ("name", "slug", "member_count", "require_mfa", "created_at")
    list_filter = ("require_mfa",)
    search_fields = ("name", "slug")
    date_hierarchy = "created_at"
    fields = ("name", "slug", "require_mfa", "created_at")
    inlines = [OrganizationMembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        members = (
            Membership.objects.filter(organization=OuterRef("pk"))
            .order_by()
            .values("organization")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_member_count=Subquery(members, output_field=IntegerField()))
        )

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, obj: Organization) -> int:
        return obj._member_count or 0  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "member.manage"
    list_display = ("user", "role", "organization", "created_at")
    list_filter = ("role",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__full_name", "organization__name")
    fields = ("organization", "user", "role", "created_at")


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(s, s.capitalize()) for s in ("pending", "accepted", "revoked", "expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        value = self.value()
        if value == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if value == "revoked":
            return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=False)
        open_ = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        if value == "expired":
            return open_.filter(expires_at__lte=now)
        if value == "pending":
            return open_.filter(expires_at__gt=now)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "invitation.view"
    list_display = ("email", "role", "status", "invited_by", "created_at", "expires_at")
    list_filter = (InvitationStatusFilter, "role")
    list_select_related = ("invited_by",)
    search_fields = ("email", "organization__name")
    date_hierarchy = "created_at"
    fields = (
        "organization",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    actions = ["revoke"]

    @admin.display(description="Status")
    def status(self, obj: Invitation) -> str:
        return obj.status

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_invitation")

    @admin.action(description="Revoke selected invitations", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("organization"),
            services.invitation_revoke,
            object_kwarg="invitation",
            done="Revoked",
        )


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    """The key's hash is never displayed: it is the only thing that proves a secret."""

    org_permission = "apikey.view"
    list_display = ("name", "prefix", "scopes", "is_active", "last_used_at", "created_at")
    list_select_related = ("created_by",)
    search_fields = ("name", "prefix", "organization__name")
    date_hierarchy = "created_at"
    fields = (
        "organization",
        "name",
        "prefix",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    @admin.display(boolean=True, description="Active")
    def is_active(self, obj: ApiKey) -> bool:
        return obj.is_active

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_apikey")

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("organization"),
            services.api_key_revoke,
            object_kwarg="api_key",
            done="Revoked",
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    """Sign-in entries have no organization, so only superusers see them here."""

    org_permission = "audit.view"
    list_display = ("created_at", "actor_label", "action", "target_label", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "target_label", "ip_address")
    date_hierarchy = "created_at"


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Where people are signed in. Only superusers see it: IPs and devices are personal, and
    users end their own sessions from their Security page."""

    list_display = ("user", "device", "ip_address", "created_at", "last_seen_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "ip_address", "user_agent")
    date_hierarchy = "last_seen_at"
    fields = ("user", "device", "ip_address", "user_agent", "created_at", "last_seen_at")
    readonly_fields = ("device",)

    @admin.display(description="Device")
    def device(self, obj: UserSession) -> str:
        return obj.device_label

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser
