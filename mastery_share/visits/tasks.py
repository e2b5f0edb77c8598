"""The visits' background jobs: mail about a booking, reminders and reflection prompts."""
from __future__ import annotations

from huey import crontab

from ..jobs import job, periodic_job
from .notifications import BOOKING_MADE_MAIL, send_booking_made
from .reminders import request_reflections, send_visit_reminders


@job(BOOKING_MADE_MAIL, retries=3, retry_delay=30)
def booking_made_mail(booking_id: int, status: str) -> None:
    """The visitor's and the host's mail about a new booking (and principals' for approval)."""
    send_booking_made(booking_id, status)


@periodic_job("visits.reminders", crontab(minute="5,35"))
def send_visit_mail() -> None:
    """The day-before reminders and the after-visit reflection prompts."""
    send_visit_reminders()
    request_reflections()
