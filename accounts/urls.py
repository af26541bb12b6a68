from django.urls import path

from accounts.views import onboarding

urlpatterns = [
    path("", onboarding.dashboard, name="dashboard"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("org/switch/", onboarding.organization_switch, name="organization_switch"),
    # Organization settings (accounts/views/organization.py)
    # Security and MFA (accounts/views/security.py)
]
