"""Fixtures of agents' tests: a connected bot (fake Bot API), a prospect who wrote in through
the webhook, and a member who may draft and send. Helpers for the draft tests live in
``agents.tests.drafting``."""

from __future__ import annotations

from typing import Any

import pytest

from messaging.models import Chat, Message
from messaging.tests import updates
from messaging.tests.conftest import connected, deliver  # noqa: F401  (fixtures)

QUESTION = "Hi! What does it cost for a team of 5?"


@pytest.fixture(autouse=True)
def _fast_chats(settings):
    """Several sends to one chat in a test; the per-chat pace is messaging's to test."""
    settings.TELEGRAM_RATE_PER_CHAT = 1000


@pytest.fixture
def chat(connected, deliver) -> Chat:  # noqa: F811
    deliver(connected.bot, updates.update(text=QUESTION))
    return Message.objects.get().chat


@pytest.fixture
def member(connected, make_member) -> Any:  # noqa: F811
    """A business developer of the bot's organization (may draft and send)."""
    return make_member("bidi", organization=connected.owner.organization, full_name="Max Weber")
