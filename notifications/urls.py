from django.urls import path

from notifications.views import center
from notifications.views import settings as settings_views
from notifications.views.unsubscribe import unsubscribe

app_name = "notifications"

urlpatterns = [
    path("notifications/", center.center, name="center"),
    path("notifications/dropdown/", center.dropdown, name="dropdown"),
    path("notifications/<int:pk>/open/", center.open_notice, name="open"),
    path("notifications/read-all/", center.read_all, name="read_all"),
    path("settings/notifications/", settings_views.notification_settings, name="settings"),
    path(
        "settings/notifications/telegram/link/",
        settings_views.telegram_link_start,
        name="telegram_link",
    ),
    path(
        "settings/notifications/telegram/unlink/",
        settings_views.telegram_unlink,
        name="telegram_unlink",
    ),
    path("settings/notification-defaults/", settings_views.org_defaults, name="org_defaults"),
    path("notifications/unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
