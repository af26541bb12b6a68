from io import StringIO

from django.core.management import call_command

from accounts.demo import demo_organization
from agents.models import AISettings, Draft


def test_seed_demo_turns_drafts_on_and_leaves_a_ready_draft_in_the_first_chat(db):
    call_command("seed_demo", stdout=StringIO())
    organization = demo_organization()

    settings = AISettings.objects.get(organization=organization)
    assert settings.auto_draft and settings.provider == AISettings.Provider.LOCAL
    draft = Draft.objects.get(organization=organization)
    assert draft.status == Draft.Status.READY and draft.text

    call_command("seed_demo", stdout=StringIO())
    assert Draft.objects.filter(organization=organization).count() == 1
