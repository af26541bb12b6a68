from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("crm.urls")),
    path("", include("pipelines.urls")),
    # Before messaging: its inbox/<chat>/<action>/ would catch inbox/<chat>/draft/.
    path("", include("agents.urls")),
    path("", include("automation.urls")),
    path("", include("campaigns.urls")),
    path("", include("messaging.urls")),
    path("", include("notifications.urls")),
    path("", include("accounts.urls")),
]

handler403 = "accounts.views.errors.permission_denied"
handler404 = "accounts.views.errors.page_not_found"
