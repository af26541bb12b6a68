from accounts import services
from accounts.models import Membership
from accounts.permissions import Role
from accounts.tests.factories import UserFactory
from automation.models import Event


def test_creator_becomes_owner_and_events_are_recorded(db):
    user = UserFactory()

    organization = services.organization_create(name="  Acme Ventures ", owner=user)

    assert organization.name == "Acme Ventures"
    assert organization.slug == "acme-ventures"
    assert Membership.objects.get(organization=organization, user=user).role == Role.OWNER
    # Apps standing on accounts add their own (e.g. pipeline.created for the default pipeline).
    assert {"organization.created", "member.joined"} <= set(
        Event.objects.filter(organization=organization).values_list("name", flat=True)
    )


def test_slugs_stay_unique_for_same_names(db):
    user = UserFactory()

    first = services.organization_create(name="Acme", owner=user)
    second = services.organization_create(name="Acme", owner=user)

    assert first.slug != second.slug
