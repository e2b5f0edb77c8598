"""Visiting: book a seat in one click, cancel it, and the rules that keep both fair.

Every decision about a seat is made under the slot's row lock (see seats.py), so capacity
holds however many members book the last seats at the same moment.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..transaction import atomic, commit
from . import notifications
from .invites import room_label
from .local_time import format_day, format_time_range, month_bounds, to_local
from .models import ACTIVE_STATUSES, Booking, BookingStatus, SlotStatus, VisitSlot
from .permissions import can_manage_slot, can_see_slot
from .seats import confirmed_count, lock_member, lock_slot, promote_waitlist


def describe_visit(slot: VisitSlot) -> str:
    """"Maria Lopez's classroom (Room 12) at 9:00–9:45 AM CST on Tue Nov 24"."""
    zone_name = slot.school.time_zone
    place = f"classroom ({room_label(slot.room)})" if slot.room else "classroom"
    return (f"{slot.host.name}'s {place} at {format_time_range(slot.starts_at, slot.ends_at, zone_name)} "
            f"on {format_day(slot.starts_at, zone_name)}")


def signup_closes_at(slot: VisitSlot):
    return slot.starts_at - timedelta(hours=slot.school.visit_signup_cutoff_hours or 0)


def cancel_closes_at(slot: VisitSlot):
    return slot.starts_at - timedelta(hours=slot.school.visit_cancel_cutoff_hours or 0)


def needs_approval(visitor: User, slot: VisitSlot) -> bool:
    """Visits to another school need the visitor's principal when their school says so."""
    school = visitor.school
    return (school is not None and school.requires_visit_approval
            and slot.school_id != school.id
            and visitor.role not in (Role.PRINCIPAL.value, Role.ADMIN.value))


def check_bookable(visitor: User, slot: VisitSlot) -> None:
    """The 422 rules: own slot, cancelled, started, or past the sign-up cut-off."""
    if slot.host_id == visitor.id:
        raise Invalid("This is your own open classroom: you cannot visit it.")
    if not slot.is_open:
        raise Invalid("This open classroom is cancelled.")
    now = utcnow()
    if slot.starts_at <= now:
        raise Invalid("This visit has already started.")
    if now >= signup_closes_at(slot):
        raise Invalid(f"Sign-up closed {slot.school.visit_signup_cutoff_hours} hours before "
                      "the visit. Ask the host directly.")


def _overlapping(visitor: User, slot: VisitSlot) -> VisitSlot | None:
    """Another open slot at the same time that the visitor is visiting (booked, waitlisted or
    pending) or hosting; a visit first. One query: it runs while the slot is locked."""
    visiting = (select(Booking.id)
                .where(Booking.slot_id == VisitSlot.id, Booking.visitor_id == visitor.id,
                       Booking.status.in_(ACTIVE_STATUSES)).exists())
    hosting = VisitSlot.host_id == visitor.id
    return db.session.scalars(
        select(VisitSlot).where(
            VisitSlot.id != slot.id, VisitSlot.status == SlotStatus.OPEN.value,
            VisitSlot.starts_at < slot.ends_at, VisitSlot.ends_at > slot.starts_at,
            or_(hosting, visiting))
        .options(joinedload(VisitSlot.school), joinedload(VisitSlot.host))
        .order_by(hosting, VisitSlot.starts_at).limit(1)
    ).first()


def _refuse_overlaps(visitor: User, slot: VisitSlot) -> None:
    other = _overlapping(visitor, slot)
    if other is None:
        return
    if other.host_id != visitor.id:
        raise Conflict(f"You are already visiting {describe_visit(other)}.")
    zone_name = other.school.time_zone
    raise Conflict(f"You are hosting visitors then "
                   f"({format_time_range(other.starts_at, other.ends_at, zone_name)} "
                   f"on {format_day(other.starts_at, zone_name)}).")


def _check_monthly_limit(visitor: User, slot: VisitSlot) -> None:
    """Counted per calendar month in the visitor's school's zone."""
    school = visitor.school
    if school is None or school.monthly_visit_limit is None:
        return
    begins, ends = month_bounds(slot.starts_at, school.time_zone)
    visits = db.session.scalar(
        select(func.count()).select_from(Booking).join(VisitSlot)
        .where(Booking.visitor_id == visitor.id, Booking.status.in_(ACTIVE_STATUSES),
               VisitSlot.id != slot.id, VisitSlot.status == SlotStatus.OPEN.value,
               VisitSlot.starts_at >= begins, VisitSlot.starts_at < ends)
    ) or 0
    if visits >= school.monthly_visit_limit:
        month = to_local(slot.starts_at, school.time_zone).strftime("%B")
        raise Invalid(f"{school.name} allows {school.monthly_visit_limit} visit"
                      f"{'s' if school.monthly_visit_limit != 1 else ''} per teacher a month, "
                      f"and you have {visits} in {month}.")


@atomic
def book_slot(visitor: User, slot_id: int) -> Booking:
    """Book a seat: confirmed while seats last, then waitlisted in arrival order, or
    pending_approval (holding no seat) when the visitor's school wants its principal's say."""
    # Its school (the cut-offs) and host (the notification) in the same query.
    slot = db.session.get(VisitSlot, slot_id,
                          options=[joinedload(VisitSlot.school), joinedload(VisitSlot.host)])
    if slot is None or not can_see_slot(visitor, slot):
        raise NotFound("No such open classroom.")
    check_bookable(visitor, slot)
    # The lock refreshes the slot, which resets these relationships; the session holds
    # objects only weakly, so keeping them here lets them come back from it, not the database.
    kept_while_locking = (slot.school, slot.host)  # noqa: F841
    arrival = lock_slot(slot.id)
    lock_member(visitor.id)
    check_bookable(visitor, slot)  # again: the host may have cancelled while we waited
    booking = db.session.scalar(select(Booking).where(Booking.slot_id == slot.id,
                                                      Booking.visitor_id == visitor.id))
    if booking is not None and booking.is_active:
        raise Conflict(f"You already signed up for this visit ({booking.status_enum.label.lower()}).")
    _refuse_overlaps(visitor, slot)
    _check_monthly_limit(visitor, slot)
    if needs_approval(visitor, slot):
        status = BookingStatus.PENDING_APPROVAL.value
    elif confirmed_count(slot.id) < slot.capacity:
        status = BookingStatus.CONFIRMED.value
    else:
        status = BookingStatus.WAITLISTED.value
    if booking is None:
        booking = Booking(slot=slot, visitor_id=visitor.id, ical_sequence=0)
        db.session.add(booking)
    else:  # booking again after cancelling: same row, same calendar UID, newer SEQUENCE
        booking.ical_sequence += 1
        booking.cancelled_at = booking.cancelled_by_id = None
        booking.decided_at = booking.decided_by_id = None
        booking.reminded_at = None
    booking.status = status
    booking.position = arrival
    if status == BookingStatus.CONFIRMED.value:
        slot.ical_sequence += 1
    db.session.flush()
    notifications.booking_made(booking)
    # The answer shows the booking as just written: no reload of it, its slot or its visitor.
    commit(keep_loaded=True)
    return booking


def get_booking(actor: User, booking_id: int) -> Booking:
    """A booking the actor made, hosts, or decides on; NotFound otherwise."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not (
        booking.visitor_id == actor.id or can_manage_slot(actor, booking.slot)
        or (actor.role == Role.PRINCIPAL.value and booking.visitor.school_id == actor.school_id)
    ):
        raise NotFound("No such booking.")
    return booking


def can_cancel_booking(actor: User, booking: Booking) -> bool:
    """The visitor until the host school's cancellation cut-off, or any time while they hold
    no seat (waitlisted, waiting for approval); the host always."""
    if not booking.is_active or booking.slot.has_started:
        return False
    if can_manage_slot(actor, booking.slot):
        return True
    return booking.visitor_id == actor.id and (
        booking.status != BookingStatus.CONFIRMED.value
        or utcnow() < cancel_closes_at(booking.slot))


@atomic
def cancel_booking(actor: User, booking_id: int) -> Booking:
    """Cancel a booking; a freed seat goes to the first on the waitlist, who is told."""
    booking = get_booking(actor, booking_id)
    slot = booking.slot
    manager = can_manage_slot(actor, slot)
    if not manager and booking.visitor_id != actor.id:
        raise Forbidden("Only the visitor or the host can cancel this booking.")
    lock_slot(slot.id)
    db.session.refresh(booking)
    if not booking.is_active:
        raise Invalid("This booking is already cancelled.")
    if slot.has_started:
        raise Invalid("This visit has already started.")
    held_seat = booking.status == BookingStatus.CONFIRMED.value
    # The cut-off protects the host's plans for a seat; giving up a place in line never hurts.
    if not manager and held_seat and utcnow() >= cancel_closes_at(slot):
        raise Forbidden(f"{slot.school.name} does not allow visitors to cancel within "
                        f"{slot.school.visit_cancel_cutoff_hours} hours of the visit. "
                        f"Ask {slot.host.name}, who can still cancel it.")
    cancel_locked_booking(booking, actor)
    commit()
    return booking


def cancel_locked_booking(booking: Booking, actor: User) -> None:
    """Under the slot's lock: cancel an active booking; a seat it held goes to the first on
    the waitlist. Visitor, host and the one promoted are told."""
    slot = booking.slot
    held_seat = booking.status == BookingStatus.CONFIRMED.value
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = utcnow()
    booking.cancelled_by_id = actor.id
    booking.ical_sequence += 1
    promoted = []
    if held_seat:
        slot.ical_sequence += 1
        db.session.flush()
        promoted = promote_waitlist(slot)
    notifications.booking_cancelled(booking, actor)
    for each in promoted:
        notifications.booking_promoted(each)
