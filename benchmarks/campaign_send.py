"""Measure a campaign's sending: 10,000 recipients through the fake Bot API, with inbox sends.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/campaign_send.py
       [--recipients 10000] [--rate 30] [--share 0.8] [--workers 3] [--inbox-every 0.2]

Production's path: the campaign is launched (``campaign_launch``: audience snapshot into
recipients), real Celery worker processes run the runner (``-Q campaigns``), deliver
(``-Q telegram``, python-telegram-bot → the fake Bot API server in this process) and dispatch
events (``-Q default``: delivery tracking marks each CampaignSend sent). Meanwhile a thread in
this process plays a member answering in the inbox: ``message_send`` every ``--inbox-every``
seconds to a chat outside the campaign. ``--rate`` sets TELEGRAM_RATE_PER_BOT; its default is
Telegram's own 30/s, as in production, so 10,000 recipients take about 7 minutes at the
default 80 % campaign share (``--recipients 300`` is a smoke run).

Reported (from the fake server's arrival stamps):
- campaign send rate, first to last campaign message, against the share (rate * share; goal
  ≥ 95 %), and the most campaign messages / all messages in any 1 s window (never above the
  share / the bot limit);
- every recipient got the step exactly once;
- scheduling overhead per recipient: the runner's wall time excluding rate-limit waits, and its
  CPU, per send (totals the runner keeps in Redis, ``campaigns.engine.runner.stats_key``);
- inbox latency while the campaign runs: fake server arrival - message creation (goal p95 < 2 s).

Use a throwaway data directory: the benchmark organization (slug ``bench-campaign``) is deleted
and recreated on every run.
"""

from __future__ import annotations

import argparse
import bisect
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SLUG = "bench-campaign"


def most_in_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(
        (bisect.bisect_left(stamps, t + window) - i for i, t in enumerate(stamps)), default=0
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def setup(fake, recipients: int):
    """An organization with a bot, ``recipients`` contacts who started it, an inbox chat, and a
    one-step draft campaign to all of them (window always open)."""
    import datetime

    from accounts.models import Membership, Organization, User
    from accounts.tests.factories import UserFactory
    from campaigns.models import ALL_WEEKDAYS, Campaign, CampaignStep, StepVariant
    from crm.models import Contact
    from messaging.models import Chat
    from messaging.tests.factories import TelegramBotFactory

    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Campaign benchmark", slug=SLUG)
    owner = User.objects.filter(email="bench-campaign@example.com").first() or UserFactory(
        email="bench-campaign@example.com"
    )
    Membership.objects.create(organization=organization, user=owner, role="owner")
    token = fake.add_bot(username="bench_campaign_bot")
    bot = TelegramBotFactory(
        organization=organization, token=token, telegram_id=int(token.split(":")[0])
    )
    contacts = Contact.objects.bulk_create(
        (
            Contact(
                organization=organization,
                first_name=f"Lead{n}",
                telegram_user_id=800_000_000 + n,
            )
            for n in range(recipients + 1)
        ),
        batch_size=2000,
    )
    chats = Chat.objects.bulk_create(
        (
            Chat(
                organization=organization,
                bot=bot,
                telegram_chat_id=contact.telegram_user_id,
                kind=Chat.Kind.PRIVATE,
                contact=contact,
            )
            for contact in contacts
        ),
        batch_size=2000,
    )
    inbox_chat = chats[-1]
    Contact.objects.filter(pk=inbox_chat.contact_id).update(do_not_contact=True)
    campaign = Campaign.objects.create(
        organization=organization,
        name="Benchmark outreach",
        bot=bot,
        sender=owner,
        created_by=owner,
        window_days=ALL_WEEKDAYS,
        window_start=datetime.time(0),
        window_end=datetime.time(23, 59, 59, 999999),
        exclude_in_other_campaigns=False,
    )
    step = CampaignStep.objects.create(organization=organization, campaign=campaign, position=0)
    StepVariant.objects.create(
        organization=organization, step=step, label="A", body="Hi {{ contact.first_name }}!"
    )
    return owner, bot, campaign, inbox_chat


def start_worker(
    env: dict[str, str], queue: str, processes: int, log_dir: Path
) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning"]
    cmd += ["-Q", queue, "-P", "prefork", "-c", str(processes), "-n", f"{queue}@%h"]
    log = open(log_dir / f"bench-campaign-{queue}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=log)


def wait_for_workers(count: int, timeout: float = 120) -> None:
    """Until every worker answers a ping (start-up is not part of the figures)."""
    from config.celery import app

    deadline = time.monotonic() + timeout
    while len(app.control.ping(timeout=1.0)) < count and time.monotonic() < deadline:
        time.sleep(0.5)


class Inbox(threading.Thread):
    """A member replying in the inbox every ``every`` seconds while the campaign runs."""

    def __init__(self, chat, member, every: float) -> None:
        super().__init__(daemon=True)
        self.chat, self.member, self.every = chat, member, every
        self.created: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from messaging.services.sending import message_send

        n = 0
        try:
            while not self.stop.is_set():
                text = f"inbox {n}"
                self.created[text] = time.monotonic()
                message_send(chat=self.chat, actor=self.member, text=text)
                n += 1
                self.stop.wait(self.every)
        finally:
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="TELEGRAM_RATE_PER_BOT")
    parser.add_argument("--share", type=float, default=None, help="CAMPAIGN_SEND_SHARE")
    parser.add_argument("--workers", type=int, default=3, help="telegram queue processes")
    parser.add_argument("--inbox-every", type=float, default=0.2)
    args = parser.parse_args()

    os.environ["TELEGRAM_RATE_PER_BOT"] = str(args.rate)
    os.environ["TELEGRAM_RATE_PER_CHAT"] = "1000"  # one message per chat; not under test
    if args.share is not None:
        os.environ["CAMPAIGN_SEND_SHARE"] = str(args.share)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from campaigns.engine.runner import stats_key
    from campaigns.models import CampaignSend, Recipient
    from campaigns.services.lifecycle import campaign_launch
    from config import embedded
    from config.redis_connection import redis_client
    from messaging.models import Message
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    redis = redis_client()
    redis.delete(*redis.keys(f"{settings.REDIS_KEY_PREFIX}:tg-rate:*") or ["-"])
    share = settings.CAMPAIGN_SEND_SHARE
    with FakeTelegram() as fake:
        settings.TELEGRAM_API_BASE_URL = fake.url
        owner, bot, campaign, inbox_chat = setup(fake, args.recipients)
        redis.delete(stats_key(campaign.pk))
        env = os.environ.copy()
        env.update(
            TELEGRAM_API_BASE_URL=fake.url,
            DATABASE_URL=os.environ.get("DATABASE_URL") or embedded.postgres_url(settings.DATA_DIR),
            REDIS_URL=settings.REDIS_URL,
            BIDI_DATA_DIR=str(settings.DATA_DIR),
            PYTHONUNBUFFERED="1",
        )
        log_dir = Path(settings.DATA_DIR)
        procs = [
            start_worker(env, "default", 1, log_dir),
            start_worker(env, "telegram", args.workers, log_dir),
            start_worker(env, "campaigns", 1, log_dir),
        ]
        inbox = Inbox(inbox_chat, owner, args.inbox_every)
        try:
            wait_for_workers(len(procs))
            started = time.monotonic()
            launched = campaign_launch(campaign=campaign, actor=owner)
            print(
                f"Launched to {launched.enrolled:,} recipients ({launched.unreachable} "
                f"unreachable: the inbox chat) in {time.monotonic() - started:.1f} s",
                flush=True,
            )
            inbox.start()
            campaign_rate = args.rate * share
            deadline = time.monotonic() + 90 + args.recipients / campaign_rate * 3
            active = Recipient.objects.filter(campaign=campaign, status="active")
            queued = Message.objects.filter(chat__bot=bot, status="queued")
            while (active.exists() or queued.exists()) and time.monotonic() < deadline:
                time.sleep(1)
                print(f"  {len(fake.calls('sendMessage')):,} sent", end="\r", flush=True)
            inbox.stop.set()
            # Delivery tracking (message.sent → CampaignSend sent) trails the sends: the events
            # worker dispatches every message.queued/message.sent of the run.
            last_send = time.monotonic()
            tracked = CampaignSend.objects.filter(campaign=campaign, status="queued")
            settle = last_send + 600
            while tracked.exists() and time.monotonic() < settle:
                time.sleep(1)
            tracking_lag = time.monotonic() - last_send
        finally:
            inbox.stop.set()
            inbox.join(timeout=10)
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)
        calls = fake.calls("sendMessage")
        stats = {k.decode(): float(v) for k, v in redis.hgetall(stats_key(campaign.pk)).items()}
    report(args, share, calls, inbox, stats, campaign, tracking_lag)


def report(
    args, share: float, calls, inbox: Inbox, stats: dict[str, float], campaign, lag: float
) -> None:
    from campaigns.models import CampaignSend

    campaign_calls = [c for c in calls if not c.params["text"].startswith("inbox ")]
    inbox_calls = [c for c in calls if c.params["text"].startswith("inbox ")]
    stamps = sorted(c.at for c in campaign_calls)
    all_stamps = sorted(c.at for c in calls)
    per_chat = Counter(str(c.params["chat_id"]) for c in campaign_calls)
    target = args.rate * share
    span = (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    rate = (len(stamps) - 1) / span if span else 0.0
    worst_campaign = most_in_window(stamps, 1.0)
    worst_all = most_in_window(all_stamps, 1.0)
    latencies = [c.at - inbox.created[c.params["text"]] for c in inbox_calls]
    sends = Counter(CampaignSend.objects.filter(campaign=campaign).values_list("status", flat=True))
    sent = stats.get("sent", 0) or 1
    twice = sum(1 for n in per_chat.values() if n > 1)
    print()
    print(
        f"Campaign messages: {len(campaign_calls):,} to {len(per_chat):,} chats "
        f"(of {args.recipients:,}); sent more than once: {twice}; CampaignSend statuses: "
        f"{dict(sends)} (tracking caught up {lag:.0f} s after the last send)"
    )
    print(
        f"Campaign rate, first to last: {span:.1f} s → {rate:.1f} msg/s = {rate / target:.1%} of "
        f"the share ({share:.0%} of {args.rate:g}/s = {target:g}/s)"
    )
    print(
        f"Most in any 1 s window — campaign: {worst_campaign} (share {int(target)}), all sends: "
        f"{worst_all} (bot limit {args.rate:g})"
    )
    print(
        f"Runner per send: {stats.get('busy_seconds', 0) / sent * 1000:.2f} ms wall excluding "
        f"rate-limit waits, {stats.get('cpu_seconds', 0) / sent * 1000:.2f} ms CPU "
        f"({int(stats.get('sent', 0)):,} sends)"
    )
    if latencies:
        print(
            f"Inbox sends during the campaign: {len(latencies)}; latency p50 "
            f"{percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f}"
            f" ms, max {max(latencies) * 1000:.0f} ms (goal p95 < 2 s)"
        )
    ok = (
        len(per_chat) == args.recipients
        and set(per_chat.values()) == {1}
        and rate >= 0.95 * target
        and worst_campaign <= int(target)
        and worst_all <= args.rate
        and sends.get("sent") == len(per_chat)
        and bool(latencies)
        and percentile(latencies, 95) < 2.0
    )
    print("RESULT:", "PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
