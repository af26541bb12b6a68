"""Demo data for ``manage.py seed_demo`` (run by ``make run``): a registry of seed steps.

Each app that wants demo data adds a ``demo.py`` module with a function decorated by
``@demo_step("<app>.<what>")``. ``seed_demo`` imports every app's ``demo`` module (in
``INSTALLED_APPS`` order, so ``crm`` steps run before ``pipelines`` ones) and runs the steps in
registration order inside one transaction. A step must be idempotent on its own: it looks for
its data first and returns ``False`` when it is already there, so a later feature's step fills an
existing demo database on the next ``make run`` without duplicating what is there.

Steps create data through the app's services, like a person using the product would, so the
demo also has the audit entries and events those use cases leave behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings

from accounts import services
from accounts.models import Membership, Organization, User
from accounts.permissions import Role

DEMO_PASSWORD = "demo12345!"  # local demo only: seed_demo refuses to run in production
DEMO_ORGANIZATION = "Acme Ventures"
DEMO_SECOND_ORGANIZATION = "Globex"
SUPERUSER_EMAIL = "admin@bidi.local"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("owner@demo.bidi.local", "Olivia Owner", Role.OWNER),
    DemoUser("admin@demo.bidi.local", "Adam Admin", Role.ADMIN),
    DemoUser("bidi@demo.bidi.local", "Bea Bidi", Role.BIDI),
    DemoUser("viewer@demo.bidi.local", "Victor Viewer", Role.VIEWER),
)
PENDING_INVITATIONS: tuple[tuple[str, Role], ...] = (
    ("new.hire@demo.bidi.local", Role.BIDI),
    ("investor@demo.bidi.local", Role.VIEWER),
)


@dataclass
class DemoContext:
    """What steps share: the demo organizations and users, and lines to show the person."""

    organization: Organization | None = None
    second_organization: Organization | None = None
    users: dict[str, User] = field(default_factory=dict)  # by role
    notes: list[str] = field(default_factory=list)

    @property
    def owner(self) -> User:
        return self.users[Role.OWNER]


DemoStep = Callable[[DemoContext], bool]
_steps: dict[str, DemoStep] = {}


def demo_step(name: str) -> Callable[[DemoStep], DemoStep]:
    """Register a seed step under a unique ``name``; it returns True when it created data."""

    def register(func: DemoStep) -> DemoStep:
        _steps[name] = func
        return func

    return register


def registered_steps() -> dict[str, DemoStep]:
    return dict(_steps)


def demo_organization() -> Organization | None:
    """The demo organization, recognised by its owner (a real org may share its name)."""
    membership = (
        Membership.objects.filter(
            user__email=DEMO_USERS[0].email,
            role=Role.OWNER,
            organization__name=DEMO_ORGANIZATION,
        )
        .select_related("organization")
        .first()
    )
    return membership.organization if membership else None


def _verified_user(email: str, full_name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(email, DEMO_PASSWORD, full_name=full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@demo_step("accounts.organizations")
def seed_organizations(ctx: DemoContext) -> bool:
    """Acme Ventures with a member of each role, two pending invitations and an API key; Globex
    so the owner has a second organization to switch to; a superuser for /admin."""
    existing = demo_organization()
    if existing is not None:
        ctx.organization = existing
        ctx.users = {
            m.role: m.user
            for m in Membership.objects.filter(
                organization=existing, user__email__in=[u.email for u in DEMO_USERS]
            ).select_related("user")
        }
        ctx.second_organization = (
            Organization.objects.filter(
                name=DEMO_SECOND_ORGANIZATION,
                pk__in=Membership.objects.filter(user=ctx.owner).values("organization_id"),
            ).first()
            if Role.OWNER in ctx.users
            else None
        )
        return False

    _verified_user(SUPERUSER_EMAIL, "BiDi Admin", superuser=True)
    ctx.users = {u.role: _verified_user(u.email, u.full_name) for u in DEMO_USERS}
    owner = ctx.owner
    ctx.organization = services.organization_create(name=DEMO_ORGANIZATION, owner=owner)
    for demo_user in DEMO_USERS[1:]:
        issued = services.invitation_create(
            organization=ctx.organization,
            email=demo_user.email,
            role=demo_user.role,
            actor=owner,
        )
        services.invitation_accept(token=issued.token, user=ctx.users[demo_user.role])
    for email, role in PENDING_INVITATIONS:
        issued = services.invitation_create(
            organization=ctx.organization, email=email, role=role, actor=owner
        )
        link = settings.SITE_URL.rstrip("/") + issued.path
        ctx.notes.append(f"Pending invitation for {email} ({role.label}): {link}")
    api_key = services.api_key_create(
        organization=ctx.organization,
        name="Demo integration",
        scopes=["read", "write"],
        actor=owner,
    )
    ctx.notes.append(f"API key for {DEMO_ORGANIZATION} (shown once): {api_key.secret}")
    ctx.second_organization = services.organization_create(
        name=DEMO_SECOND_ORGANIZATION, owner=owner
    )
    return True
