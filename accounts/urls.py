from django.urls import path

from accounts.views import invitations, onboarding, organization, profile, security

urlpatterns = [
    path("", onboarding.dashboard, name="dashboard"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("org/switch/", onboarding.organization_switch, name="organization_switch"),
    # Organization settings (accounts/views/organization.py, profile.py, invitations.py)
    path("settings/profile/", profile.profile, name="settings_profile"),
    path("settings/organization/", organization.organization, name="settings_organization"),
    path(
        "settings/organization/security/",
        organization.organization_security,
        name="settings_organization_security",
    ),
    path(
        "settings/organization/transfer/",
        organization.organization_transfer,
        name="settings_organization_transfer",
    ),
    path(
        "settings/organization/leave/",
        organization.organization_leave,
        name="settings_organization_leave",
    ),
    path("settings/members/", organization.members, name="settings_members"),
    path("settings/members/<int:pk>/role/", organization.member_role, name="settings_member_role"),
    path(
        "settings/members/<int:pk>/remove/",
        organization.member_remove,
        name="settings_member_remove",
    ),
    path("settings/invitations/", organization.invitation_create, name="settings_invite"),
    path(
        "settings/invitations/<int:pk>/revoke/",
        organization.invitation_revoke,
        name="settings_invitation_revoke",
    ),
    path(
        "settings/invitations/<int:pk>/resend/",
        organization.invitation_resend,
        name="settings_invitation_resend",
    ),
    path("settings/api-keys/", organization.api_keys, name="settings_api_keys"),
    path(
        "settings/api-keys/<int:pk>/revoke/",
        organization.api_key_revoke,
        name="settings_api_key_revoke",
    ),
    path("settings/audit-log/", organization.audit_log, name="settings_audit"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    # Security and MFA (accounts/views/security.py)
    path("mfa/verify/", security.mfa_verify, name="mfa_verify"),
    path("settings/security/", security.security, name="settings_security"),
    path("settings/security/mfa/setup/", security.mfa_setup, name="settings_mfa_setup"),
    path("settings/security/mfa/enrol/", security.mfa_enrol, name="settings_mfa_enrol"),
    path(
        "settings/security/mfa/backup-codes/",
        security.mfa_backup_codes,
        name="settings_mfa_backup_codes",
    ),
    path("settings/security/mfa/disable/", security.mfa_disable, name="settings_mfa_disable"),
    path(
        "settings/security/sessions/<int:pk>/revoke/",
        security.session_revoke,
        name="settings_session_revoke",
    ),
    path(
        "settings/security/sessions/revoke-others/",
        security.sessions_revoke_others,
        name="settings_sessions_revoke_others",
    ),
]
