from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The event spine feeds the engine; the types of accounts- and automation-level events
        # (security, invitations, webhooks) and the "Notify a member" action live here. Domain
        # apps register their own types from their ready() (notifications_hooks.py).
        # Listed last in INSTALLED_APPS: every other app's ready() has registered its types by
        # now, so the subscriber listens to exactly the events some type needs.
        from notifications import registrations, subscriber

        registrations.register()
        subscriber.subscribe()
