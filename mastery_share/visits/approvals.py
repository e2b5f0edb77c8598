"""Principal approval of visits elsewhere (release time and coverage)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, School, User
from ..db_types import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..text_fields import clean_text
from ..transaction import atomic, commit
from . import notifications
from .models import Booking, BookingStatus, SlotStatus, VisitSlot
from .permissions import can_decide_approval
from .seats import confirmed_count, lock_slot

DECLINE_REASON_LIMIT = 500


def _require_principal(actor: User) -> None:
    if actor.role != Role.PRINCIPAL.value or actor.school_id is None:
        raise Forbidden("Only a school's principal approves its teachers' visits.")


def approval_queue(principal: User) -> list[Booking]:
    """Upcoming visits by the principal's teachers that wait for a decision, soonest first."""
    _require_principal(principal)
    return list(db.session.scalars(
        select(Booking).join(VisitSlot).join(User, Booking.visitor_id == User.id)
        .where(User.school_id == principal.school_id,
               Booking.status == BookingStatus.PENDING_APPROVAL.value,
               VisitSlot.status == SlotStatus.OPEN.value, VisitSlot.starts_at > utcnow())
        .options(selectinload(Booking.visitor),
                 selectinload(Booking.slot).selectinload(VisitSlot.host),
                 selectinload(Booking.slot).selectinload(VisitSlot.school))
        .order_by(VisitSlot.starts_at, Booking.position)
    ))


def _pending_booking(principal: User, booking_id: int) -> Booking:
    _require_principal(principal)
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound("No such booking.")
    if not can_decide_approval(principal, booking):
        raise Forbidden("Only the visitor's own principal can decide on this visit.")
    return booking


def _check_still_pending(booking: Booking) -> None:
    if booking.status != BookingStatus.PENDING_APPROVAL.value:
        raise Invalid(f"This visit is no longer waiting for approval "
                      f"({booking.status_enum.label.lower()}).")


@atomic
def approve_booking(principal: User, booking_id: int) -> Booking:
    """Approve: the visitor gets a seat if one is free, else joins the end of the waitlist."""
    booking = _pending_booking(principal, booking_id)
    slot = booking.slot
    arrival = lock_slot(slot.id)
    db.session.refresh(booking)
    _check_still_pending(booking)
    if not slot.is_open or slot.has_started:
        raise Invalid("This visit is cancelled or has already started.")
    waiting = db.session.scalar(select(Booking.id).where(
        Booking.slot_id == slot.id, Booking.status == BookingStatus.WAITLISTED.value).limit(1))
    if confirmed_count(slot.id) < slot.capacity and waiting is None:
        booking.status = BookingStatus.CONFIRMED.value
        slot.ical_sequence += 1
    else:
        booking.status = BookingStatus.WAITLISTED.value
    # The seat is claimed on approval: the waitlist is served from this moment on.
    booking.position = arrival
    booking.decided_by_id = principal.id
    booking.decided_at = utcnow()
    booking.ical_sequence += 1
    notifications.booking_approved(booking)
    commit()
    return booking


@atomic
def decline_booking(principal: User, booking_id: int, reason: str | None) -> Booking:
    """Decline, saying why (the visitor is told): the request is cancelled (it never held a
    seat)."""
    reason = clean_text(reason, field="reason", limit=DECLINE_REASON_LIMIT, multiline=True,
                        required="Say why you decline, so the teacher can plan another visit.")
    booking = _pending_booking(principal, booking_id)
    lock_slot(booking.slot_id)
    db.session.refresh(booking)
    _check_still_pending(booking)
    now = utcnow()
    booking.status = BookingStatus.CANCELLED.value
    booking.decided_by_id = booking.cancelled_by_id = principal.id
    booking.decided_at = booking.cancelled_at = now
    booking.ical_sequence += 1
    booking.decline_reason = reason
    notifications.booking_declined(booking)
    commit()
    return booking


def managed_school(actor: User, school_id: int | None = None) -> School:
    """The school whose visit rules the actor sets: a principal's own, or any of an admin's
    district."""
    if actor.is_admin:
        school = db.session.get(School, school_id) if school_id else None
        if school is None or school.district_id != actor.district_id:
            raise NotFound("No such school.")
        return school
    _require_principal(actor)
    if school_id not in (None, actor.school_id):
        raise Forbidden("You set the visit rules of your own school only.")
    return actor.school


@atomic
def update_visit_rules(actor: User, school_id: int | None, *, requires_approval: bool,
                       signup_cutoff_hours: int, cancel_cutoff_hours: int,
                       monthly_limit: int | None) -> School:
    """Set a school's visit rules (its principal, or a district admin)."""
    school = managed_school(actor, school_id)
    for name, value, high in (("visit_signup_cutoff_hours", signup_cutoff_hours, 14 * 24),
                              ("visit_cancel_cutoff_hours", cancel_cutoff_hours, 14 * 24)):
        if value is None or not 0 <= value <= high:
            raise Invalid("Cut-offs are 0 hours to 2 weeks.", {name: f"Enter 0 to {high}."})
    if monthly_limit is not None and not 1 <= monthly_limit <= 100:
        raise Invalid("The monthly limit is 1 to 100 visits, or empty for none.",
                      {"monthly_visit_limit": "Enter 1 to 100, or leave it empty."})
    school.requires_visit_approval = bool(requires_approval)
    school.visit_signup_cutoff_hours = signup_cutoff_hours
    school.visit_cancel_cutoff_hours = cancel_cutoff_hours
    school.monthly_visit_limit = monthly_limit
    commit()
    return school
