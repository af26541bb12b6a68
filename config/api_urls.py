"""``/api/v1/``: every app contributes its router registrations and extra paths here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api

router = DefaultRouter()
for app_api in (accounts_api,):
    for prefix, viewset, basename in app_api.router.registry:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    *accounts_api.urlpatterns,
    path("", include(router.urls)),
]
