"""Celery tasks of campaigns (thin wrappers around ``campaigns.engine``), on the ``campaigns``
queue."""

from __future__ import annotations

from celery import shared_task

from campaigns.engine import runner, tick


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def campaign_run(campaign_id: int) -> int:
    """Send a campaign's due steps for up to CAMPAIGN_RUNNER_SECONDS, then hand over to a new
    task (at once when work is left, after a countdown up to the next due step within a
    minute; later ones are left to campaigns_tick). A redelivered or duplicate task is
    harmless: the runner's lease lets one run at a time and each send is one transaction."""
    result = runner.run(campaign_id)
    if result.status != "busy" and result.next_in is not None:
        campaign_run.apply_async((campaign_id,), countdown=result.next_in or None)
    return result.sent


@shared_task(ignore_result=True)
def campaigns_tick() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE, every 10 s): start, end, enrol and wake campaigns."""
    wanted = tick.tick()
    for campaign_id in wanted:
        campaign_run.delay(campaign_id)
    return len(wanted)
