"""The notifications' background job: the weekly digest."""
from __future__ import annotations

from huey import crontab

from ..jobs import periodic_job
from .digest import send_weekly_digests


@periodic_job("notifications.weekly_digests", crontab(minute="23"))
def send_weekly_digests_task() -> None:
    """Hourly, so each school gets its digest on Monday morning in its own time zone."""
    send_weekly_digests()
