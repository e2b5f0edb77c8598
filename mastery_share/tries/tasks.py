"""The tries' background job: reminders to check in and to share back."""
from __future__ import annotations

from huey import crontab

from ..jobs import periodic_job
from .reminders import send_try_reminders


@periodic_job("tries.reminders", crontab(minute="10,40"))
def send_try_reminders_task() -> None:
    """Ask teachers to check in when a try's date arrives, and to share back after."""
    send_try_reminders()
