"""``manage.py seed_demo``: load the demo organization and its data once (``make run`` calls it).

The steps live in each app's ``demo.py`` (see ``accounts.demo``); this command only finds them,
runs them in one transaction and tells the person what they can sign in with.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules

from accounts.demo import (
    DEMO_ORGANIZATION,
    DEMO_PASSWORD,
    DEMO_USERS,
    SUPERUSER_EMAIL,
    DemoContext,
    registered_steps,
)


class Command(BaseCommand):
    help = "Create the demo organization, users of each role and every app's demo data (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DJANGO_ENV=production (the demo password is public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load demo data with DJANGO_ENV=production: its users share a "
                "public password. Pass --force if you really mean it."
            )
        autodiscover_modules("demo")
        ctx = DemoContext()
        created: list[str] = []
        # Demo invitations go to addresses nobody reads: their links are printed below instead
        # of mailing them to the console, where they would bury the logins.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            for name, step in registered_steps().items():
                if step(ctx):
                    created.append(name)
        if not created:
            self.stdout.write("Demo data already present; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data created ({', '.join(created)})."))
        self.stdout.write(
            f"Sign in to {DEMO_ORGANIZATION} with any of these; the password "
            f"{DEMO_PASSWORD!r} is for local demo use only:"
        )
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role.label:<20} {user.email}")
        self.stdout.write(f"  {'Django admin':<20} {SUPERUSER_EMAIL} (superuser, /admin/)")
        for note in ctx.notes:
            self.stdout.write(note)
