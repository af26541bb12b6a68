from io import StringIO

from django.core.management import call_command

from accounts.demo import demo_organization
from crm.models import Contact
from messaging.models import Chat, Message, TelegramBot


def test_seed_demo_adds_a_demo_bot_with_chats_and_no_new_contacts(db):
    call_command("seed_demo", stdout=StringIO())
    organization = demo_organization()

    bot = TelegramBot.objects.get(organization=organization)
    assert not bot.is_active
    assert Chat.objects.filter(bot=bot).count() == 4
    assert Message.objects.filter(chat__bot=bot).count() == 5
    assert Contact.objects.filter(organization=organization).count() == 40

    call_command("seed_demo", stdout=StringIO())
    assert Message.objects.filter(chat__bot=bot).count() == 5
