"""The audience: the contacts list's filters select who a campaign targets, and reachability says
who of them the campaign's bot can actually write to (and why not)."""

import pytest
from django.utils import timezone

from accounts.errors import ValidationError
from campaigns.audience import Reachability, audience_contacts, audience_preview, classify
from campaigns.models import Campaign, Recipient
from campaigns.tests.factories import CampaignFactory, RecipientFactory
from crm.models import Contact, Entity
from crm.tests.factories import (
    ContactFactory,
    CustomFieldDefinitionFactory,
    SavedViewFactory,
    TagFactory,
)
from messaging.models import Chat, Message
from messaging.tests.factories import (
    ChatFactory,
    ChatMemberFactory,
    MessageFactory,
    TelegramBotFactory,
)

pytestmark = pytest.mark.django_db
Reason = Recipient.Reason


@pytest.fixture
def bot():
    return TelegramBotFactory()


def _campaign(bot, **fields) -> Campaign:
    return CampaignFactory(organization=bot.organization, bot=bot, **fields)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_without_filters_the_audience_is_every_contact_of_the_organization(bot):
    mine = ContactFactory.create_batch(3, organization=bot.organization)
    ContactFactory()  # another organization's

    assert _ids(audience_contacts(_campaign(bot))) == {c.pk for c in mine}


def test_filters_and_a_saved_view_both_apply(bot, make_member):
    org = bot.organization
    member = make_member("bidi", organization=org)
    vip = TagFactory(organization=org, name="vip")
    CustomFieldDefinitionFactory(organization=org, key="industry")
    berlin_vip = ContactFactory(organization=org, source="Berlin", custom_fields={"industry": "AI"})
    berlin_vip.tags.add(vip)
    berlin = ContactFactory(organization=org, source="Berlin", custom_fields={"industry": "AI"})
    paris_vip = ContactFactory(organization=org, source="Paris", custom_fields={"industry": "AI"})
    paris_vip.tags.add(vip)
    view = SavedViewFactory(
        organization=org, owner=member.user, filters={"tag": ["vip"], "cf.industry": "ai"}
    )

    by_filters = _campaign(bot, audience_filters={"source": "Berlin"})
    by_view = _campaign(bot, audience_view=view)
    by_both = _campaign(bot, audience_view=view, audience_filters={"source": "Berlin"})

    assert _ids(audience_contacts(by_filters)) == {berlin_vip.pk, berlin.pk}
    assert _ids(audience_contacts(by_view)) == {berlin_vip.pk, paris_vip.pk}
    assert _ids(audience_contacts(by_both)) == {berlin_vip.pk}


@pytest.mark.parametrize(
    ("filters", "needle"),
    [
        ({"created_after": "last week"}, "created_after"),
        ({"tag": ["no-such-tag"]}, "tag"),
        ({"cf.nope": "x"}, "cf.nope"),
    ],
)
def test_bad_filters_are_reported_on_audience_filters(bot, filters, needle):
    with pytest.raises(ValidationError) as error:
        audience_contacts(_campaign(bot, audience_filters=filters))

    assert list(error.value.fields) == ["audience_filters"]
    assert needle in error.value.fields["audience_filters"][0]


def test_a_company_view_is_not_an_audience(bot):
    view = SavedViewFactory(organization=bot.organization, entity=Entity.COMPANY, filters={})

    with pytest.raises(ValidationError) as error:
        audience_contacts(_campaign(bot, audience_view=view))

    assert "audience_view" in error.value.fields


def test_only_never_contacted_skips_anyone_we_wrote_to(bot):
    org = bot.organization
    fresh = ContactFactory(organization=org)
    stamped = ContactFactory(organization=org, last_contacted_at=timezone.now())
    written = ChatFactory(bot=bot).contact
    MessageFactory(chat=written.chats.get(), direction=Message.Direction.OUT)
    only_inbound = ChatFactory(bot=bot).contact
    MessageFactory(chat=only_inbound.chats.get(), direction=Message.Direction.IN)

    everyone = _ids(audience_contacts(_campaign(bot)))
    never = _ids(audience_contacts(_campaign(bot, only_never_contacted=True)))

    assert {fresh.pk, stamped.pk, written.pk, only_inbound.pk} <= everyone
    assert never == {fresh.pk, only_inbound.pk}


def test_classify_says_where_each_contact_is_reached_or_why_not(bot):
    org = bot.organization
    campaign = _campaign(bot)
    private = ChatFactory(bot=bot)
    blocked = ChatFactory(bot=bot, is_blocked=True)
    blocked_but_in_group = ChatFactory(bot=bot, is_blocked=True).contact
    group_member = ChatMemberFactory(chat__bot=bot)
    group = ChatMemberFactory(chat__bot=bot, contact=blocked_but_in_group).chat
    left_group = ChatMemberFactory(chat__bot=bot, left_at=timezone.now()).contact
    other_bot = ChatFactory(bot=TelegramBotFactory(organization=org)).contact
    no_chat = ContactFactory(organization=org)
    dnc = ChatFactory(bot=bot, contact__do_not_contact=True).contact
    busy = ChatFactory(bot=bot).contact
    live = _campaign(bot, status=Campaign.Status.RUNNING)
    RecipientFactory(campaign=live, contact=busy)
    done = _campaign(bot, status=Campaign.Status.COMPLETED)
    finished_elsewhere = ChatFactory(bot=bot)
    RecipientFactory(campaign=done, contact=finished_elsewhere.contact)
    ids = [
        private.contact_id,
        blocked.contact_id,
        blocked_but_in_group.pk,
        group_member.contact_id,
        left_group.pk,
        other_bot.pk,
        no_chat.pk,
        dnc.pk,
        busy.pk,
        finished_elsewhere.contact_id,
    ]

    result = classify(campaign, ids)

    assert result == [
        Reachability(private.contact_id, private.pk, ""),
        Reachability(blocked.contact_id, None, Reason.BLOCKED),
        Reachability(blocked_but_in_group.pk, group.pk, ""),
        Reachability(group_member.contact_id, group_member.chat_id, ""),
        Reachability(left_group.pk, None, Reason.NO_CHAT),
        Reachability(other_bot.pk, None, Reason.NO_CHAT),
        Reachability(no_chat.pk, None, Reason.NO_CHAT),
        Reachability(dnc.pk, None, Reason.DO_NOT_CONTACT),
        Reachability(busy.pk, None, Reason.OTHER_CAMPAIGN),
        Reachability(finished_elsewhere.contact_id, finished_elsewhere.pk, ""),
    ]
    campaign.exclude_in_other_campaigns = False
    assert classify(campaign, [busy.pk])[0].reason == ""


@pytest.mark.parametrize("connected", [False, None])
def test_without_a_connected_bot_nobody_is_reachable(bot, connected):
    chat = ChatFactory(bot=bot)
    if connected is None:
        campaign = CampaignFactory(organization=bot.organization, bot=None)
    else:
        bot.is_active = connected
        bot.save()
        campaign = _campaign(bot)

    assert classify(campaign, [chat.contact_id])[0].reason == Reason.BOT_DISCONNECTED


def test_classify_takes_a_few_queries_for_ten_thousand_contacts(bot, django_assert_max_num_queries):
    org = bot.organization
    Contact.objects.bulk_create(
        Contact(organization=org, first_name=f"P{i}", do_not_contact=i % 10 == 0)
        for i in range(10_000)
    )
    ids = list(Contact.objects.filter(organization=org).values_list("pk", flat=True))
    Chat.objects.bulk_create(
        Chat(organization=org, bot=bot, telegram_chat_id=i, contact_id=pk, kind="private")
        for i, pk in enumerate(ids[: len(ids) // 2])
    )
    campaign = _campaign(bot)

    with django_assert_max_num_queries(6):
        result = classify(campaign, ids)

    assert len(result) == 10_000
    reachable = sum(1 for r in result if not r.reason)
    assert reachable == 4_500  # the private chats minus the do-not-contact ones among them


def test_the_preview_counts_reachable_and_unreachable_by_reason(bot):
    org = bot.organization
    ChatFactory.create_batch(2, bot=bot)
    ContactFactory.create_batch(3, organization=org)
    ChatFactory(bot=bot, contact__do_not_contact=True)

    preview = audience_preview(_campaign(bot), sample=4)

    assert (preview.total, preview.reachable) == (6, 2)
    assert preview.unreachable == {Reason.NO_CHAT: 3, Reason.DO_NOT_CONTACT: 1}
    assert len(preview.sample) == 4
    assert all(isinstance(contact, Contact) for contact, _ in preview.sample)
