"""Seats on a slot: the row lock that serialises everyone changing a slot's bookings, the
counts, and promotion from the waitlist.

Capacity is protected by the database, not by Python checks alone. Every change to a slot's
bookings starts with one conditional UPDATE of the slot row (`booking_seq = booking_seq + 1`):

- on PostgreSQL the UPDATE takes the row lock, so concurrent bookers of the same slot queue
  behind it until commit, and under READ COMMITTED each later statement of the transaction
  sees every booking committed before the lock was granted;
- on SQLite the UPDATE is the first statement of the transaction, so it takes the database's
  write lock up front (like BEGIN IMMEDIATE, waiting out `busy_timeout`) before anything is
  counted, instead of upgrading a stale read snapshot later and failing.

The returned number is the booking's arrival order: the waitlist is served by it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from ..accounts.models import User
from ..errors import NotFound
from ..extensions import db
from .models import Booking, BookingStatus, VisitSlot


def lock_slot(slot_id: int) -> int:
    """Lock the slot row for the rest of the transaction; returns the next arrival number.

    The locking UPDATE returns the whole row, which refreshes the slot already loaded in the
    session (populate_existing): what was read before the lock may be stale (the host may
    have just cancelled), and this costs no second query.
    """
    slot = db.session.scalar(
        update(VisitSlot).where(VisitSlot.id == slot_id)
        .values(booking_seq=VisitSlot.booking_seq + 1)
        .returning(VisitSlot)
        .execution_options(synchronize_session=False, populate_existing=True))
    if slot is None:
        raise NotFound("No such open classroom.")
    return slot.booking_seq


def lock_member(user_id: int) -> None:
    """Serialise one member's bookings (overlaps, monthly limit) across different slots.

    A no-op on SQLite, whose write lock already covers the whole database.
    """
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


@dataclass(frozen=True)
class SeatCounts:
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0

    def seats_left(self, capacity: int) -> int:
        return max(0, capacity - self.confirmed)


def seat_counts(slot_ids) -> dict[int, SeatCounts]:
    """Booking counts of many slots in one query."""
    slot_ids = list(slot_ids)
    if not slot_ids:
        return {}
    rows = db.session.execute(
        select(Booking.slot_id, Booking.status, func.count())
        .where(Booking.slot_id.in_(slot_ids), Booking.status != BookingStatus.CANCELLED.value)
        .group_by(Booking.slot_id, Booking.status)
    ).all()
    raw: dict[int, dict[str, int]] = {}
    for slot_id, status, number in rows:
        raw.setdefault(slot_id, {})[status] = number
    return {slot_id: SeatCounts(
        confirmed=raw.get(slot_id, {}).get(BookingStatus.CONFIRMED.value, 0),
        waitlisted=raw.get(slot_id, {}).get(BookingStatus.WAITLISTED.value, 0),
        pending=raw.get(slot_id, {}).get(BookingStatus.PENDING_APPROVAL.value, 0),
    ) for slot_id in slot_ids}


def confirmed_count(slot_id: int) -> int:
    """Seats taken; call under the slot lock when the answer decides a seat."""
    return db.session.scalar(
        select(func.count()).select_from(Booking)
        .where(Booking.slot_id == slot_id, Booking.status == BookingStatus.CONFIRMED.value)
    ) or 0


def promote_waitlist(slot: VisitSlot) -> list[Booking]:
    """Under the slot lock: give free seats to the waitlist in arrival order."""
    free = slot.capacity - confirmed_count(slot.id)
    if free <= 0:
        return []
    promoted = list(db.session.scalars(
        select(Booking)
        .where(Booking.slot_id == slot.id, Booking.status == BookingStatus.WAITLISTED.value)
        .order_by(Booking.position, Booking.id).limit(free)
    ))
    for booking in promoted:
        booking.status = BookingStatus.CONFIRMED.value
        booking.ical_sequence += 1
    if promoted:
        slot.ical_sequence += 1
    return promoted
