"""A member who is deactivated leaves the visits they were part of: the classrooms they
opened that are still ahead close (their visitors are told, as when a host cancels), and the
seats and places in line they held go to others (the first on the waitlist moves up)."""
from __future__ import annotations

from sqlalchemy import or_, select

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from .booking import cancel_locked_booking
from .models import ACTIVE_STATUSES, Booking, SlotStatus, VisitSlot
from .seats import lock_slot
from .slots import cancel_locked_slot


def withdraw_from_visits(member: User, actor: User) -> tuple[int, int]:
    """Not committed: part of the deactivation's transaction. Returns (classrooms closed,
    bookings cancelled); visits already under way are left as they are."""
    now = utcnow()
    booked = (select(Booking.id)
              .where(Booking.slot_id == VisitSlot.id, Booking.visitor_id == member.id,
                     Booking.status.in_(ACTIVE_STATUSES)).exists())
    slot_ids = db.session.scalars(
        select(VisitSlot.id).where(VisitSlot.status == SlotStatus.OPEN.value,
                                   VisitSlot.starts_at > now,
                                   or_(VisitSlot.host_id == member.id, booked))
        .order_by(VisitSlot.id)).all()
    closed = cancelled = 0
    # Locks in id order, as every writer of several slots takes them.
    for slot_id in slot_ids:
        lock_slot(slot_id)
        slot = db.session.get(VisitSlot, slot_id)
        if not slot.is_open or slot.has_started:
            continue
        if slot.host_id == member.id:
            cancel_locked_slot(slot, actor)
            closed += 1
            continue
        for booking in db.session.scalars(
                select(Booking).where(Booking.slot_id == slot_id,
                                      Booking.visitor_id == member.id,
                                      Booking.status.in_(ACTIVE_STATUSES))):
            cancel_locked_booking(booking, actor)
            cancelled += 1
    return closed, cancelled
