"""Fixtures of the pipelines tests: an organization made the way the product makes one (so it
has its default pipeline), with members of every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Organization, User
from accounts.permissions import Role
from accounts.services import organization_create
from accounts.tests.factories import MembershipFactory, UserFactory
from pipelines.models import Pipeline, Stage


@dataclass
class Team:
    organization: Organization
    owner: User
    admin: User
    bidi: User
    viewer: User
    pipeline: Pipeline

    def stage(self, name: str) -> Stage:
        return self.pipeline.stages.get(name=name)


@pytest.fixture
def team(db) -> Team:
    owner = UserFactory()
    organization = organization_create(name="Acme BD", owner=owner)
    members = {}
    for role in (Role.ADMIN, Role.BIDI, Role.VIEWER):
        members[role] = UserFactory()
        MembershipFactory(organization=organization, user=members[role], role=role)
    return Team(
        organization=organization,
        owner=owner,
        admin=members[Role.ADMIN],
        bidi=members[Role.BIDI],
        viewer=members[Role.VIEWER],
        pipeline=Pipeline.objects.get(organization=organization, is_default=True),
    )
