"""Scheduled mail: the reminder the day before a visit and the reflection prompt after it.

Each message is claimed with a conditional UPDATE (`... WHERE reminded_at IS NULL`) before it
is queued, so two schedulers running at once never send it twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..db_types import utcnow
from ..extensions import db
from ..transaction import commit
from . import notifications
from .models import Booking, BookingStatus, SlotStatus, VisitSlot

REMINDER_AHEAD = timedelta(hours=24)
REFLECTION_WINDOW = timedelta(days=3)  # prompts are not sent for visits older than this


def _claim(model, row_id: int, column: str, now: datetime) -> bool:
    claimed = db.session.execute(
        update(model).where(model.id == row_id, getattr(model, column).is_(None))
        .values({column: now}).execution_options(synchronize_session=False)).rowcount
    return claimed == 1


def send_visit_reminders(now: datetime | None = None) -> int:
    """Remind visitors with a seat, and hosts with visitors, of visits in the next day."""
    now = now or utcnow()
    soon = (VisitSlot.status == SlotStatus.OPEN.value, VisitSlot.starts_at > now,
            VisitSlot.starts_at <= now + REMINDER_AHEAD)
    booking_ids = list(db.session.scalars(
        select(Booking.id).join(VisitSlot).where(
            *soon, Booking.status == BookingStatus.CONFIRMED.value,
            Booking.reminded_at.is_(None))))
    sent = 0
    for booking_id in booking_ids:
        if _claim(Booking, booking_id, "reminded_at", now):
            notifications.visit_reminder(db.session.get(Booking, booking_id))
            sent += 1
    slot_ids = list(db.session.scalars(
        select(VisitSlot.id).where(*soon, VisitSlot.reminded_at.is_(None)).where(
            VisitSlot.id.in_(select(Booking.slot_id).where(
                Booking.status == BookingStatus.CONFIRMED.value)))))
    for slot_id in slot_ids:
        if _claim(VisitSlot, slot_id, "reminded_at", now):
            notifications.host_reminder(db.session.get(VisitSlot, slot_id))
            sent += 1
    commit()
    return sent


def request_reflections(now: datetime | None = None) -> int:
    """Ask visitors who had a seat for a short reflection once the visit has ended."""
    now = now or utcnow()
    booking_ids = list(db.session.scalars(
        select(Booking.id).join(VisitSlot).where(
            VisitSlot.status == SlotStatus.OPEN.value, VisitSlot.ends_at <= now,
            VisitSlot.ends_at > now - REFLECTION_WINDOW,
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.reflection_requested_at.is_(None))))
    sent = 0
    for booking_id in booking_ids:
        booking = db.session.get(Booking, booking_id)
        if booking.reflection is None and _claim(Booking, booking_id, "reflection_requested_at", now):
            notifications.reflection_request(booking)
            sent += 1
    commit()
    return sent
