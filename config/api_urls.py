"""``/api/v1/``: every app contributes its router registrations and extra paths here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from agents import api as agents_api
from automation import api as automation_api
from campaigns import api as campaigns_api
from crm import api as crm_api
from messaging import api as messaging_api
from notifications import api as notifications_api
from pipelines import api as pipelines_api

APP_APIS = (
    accounts_api,
    agents_api,
    automation_api,
    campaigns_api,
    crm_api,
    messaging_api,
    notifications_api,
    pipelines_api,
)

router = DefaultRouter()
for app_api in APP_APIS:
    for prefix, viewset, basename in app_api.router.registry:
        router.register(prefix, viewset, basename=basename)

# Each app's extra paths come before the router so e.g. "invitations/accept/" is not read as an id.
urlpatterns = [
    *(pattern for app_api in APP_APIS for pattern in app_api.urlpatterns),
    path("", include(router.urls)),
]
