"""API views for open classrooms: visit slots, bookings, reflections and the calendar feed."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from ..db_types import utcnow
from ..errors import Invalid
from ..links import external_url
from .booking import book_slot, cancel_booking
from .calendar import SlotFilters, SlotView, slots_between, with_seats
from .calendar_feed import calendar_feed_url, reset_calendar_feed
from .local_time import to_local
from .reflections import write_reflection
from .schemas import (
    BookingSchema,
    CalendarFeedSchema,
    ReflectionCreateSchema,
    ReflectionSchema,
    VisitSlotCancelArgsSchema,
    VisitSlotCreatedSchema,
    VisitSlotCreateSchema,
    VisitSlotEditSchema,
    VisitSlotListArgsSchema,
    VisitSlotListSchema,
    VisitSlotSchema,
)
from .slots import cancel_series_from, cancel_slot, create_slots, get_slot, update_slot

blp = Blueprint("visits_api", __name__, description="Open classrooms: visit slots, bookings, "
                "reflections and the personal calendar feed")

MAX_RANGE = timedelta(days=400)




def slot_to_dict(view: SlotView) -> dict:
    slot, counts = view.slot, view.counts
    zone_name = slot.school.time_zone
    return {
        "id": slot.id, "host": {"id": slot.host.id, "name": slot.host.name},
        "school": {"id": slot.school.id, "name": slot.school.name, "time_zone": zone_name},
        "starts_at": to_local(slot.starts_at, zone_name),
        "ends_at": to_local(slot.ends_at, zone_name), "time_zone": zone_name,
        "duration_min": slot.duration_min, "capacity": slot.capacity, "room": slot.room,
        "focus": slot.focus, "practices": [practice.slug for practice in slot.practices],
        "video_ids": [video.id for video in view.videos], "grade_band": slot.grade_band,
        "subject": slot.subject, "level": slot.level, "status": slot.status,
        "series_id": slot.series_id,
        "confirmed_count": counts.confirmed, "waitlist_count": counts.waitlisted,
        "pending_count": counts.pending, "seats_left": view.seats_left,
        "my_booking": ({"id": view.my_booking.id, "status": view.my_booking.status}
                       if view.my_booking else None),
        "url": external_url("visits.slot_detail", slot_id=slot.id),
    }


def booking_to_dict(booking) -> dict:
    return {"id": booking.id, "status": booking.status, "slot_id": booking.slot_id,
            "visitor": {"id": booking.visitor.id, "name": booking.visitor.name},
            "created_at": booking.created_at}


def reflection_to_dict(reflection) -> dict:
    return {"id": reflection.id, "booking_id": reflection.booking_id, "saw": reflection.saw,
            "will_try": reflection.will_try,
            "practices": [practice.slug for practice in reflection.practices],
            "created_at": reflection.created_at, "updated_at": reflection.updated_at}


def _one(slot) -> dict:
    return slot_to_dict(with_seats(g.api_user, [slot])[0])


@blp.route("/visit-slots", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(VisitSlotCreateSchema)
@blp.response(201, VisitSlotCreatedSchema)
@error_responses(blp, 400, 401, 403, 409, 422)
@token_required
def create(data):
    """Open your classroom once, or weekly for up to 12 more weeks."""
    slots = create_slots(g.api_user, data)
    return {"items": [slot_to_dict(view) for view in with_seats(g.api_user, slots)]}


def _range(args) -> tuple[datetime, datetime]:
    try:
        begins = args.get("from_") or utcnow()
        ends = args.get("to") or begins + timedelta(days=31)
        begins, ends = begins.astimezone(UTC), ends.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise Invalid("That range is out of bounds.", {"from": "Out of range."}) from error
    if ends <= begins:
        raise Invalid("`to` must come after `from`.", {"to": "Must be after from."})
    if ends - begins > MAX_RANGE:
        raise Invalid("Ask for at most 400 days at a time.", {"to": "At most 400 days after from."})
    return begins, ends


@blp.route("/visit-slots", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(VisitSlotListArgsSchema, location="query")
@blp.response(200, VisitSlotListSchema)
@error_responses(blp, 401, 422)
@token_required
def list_all(args):
    """Open classrooms of your district starting between `from` (default now) and `to`
    (default a month later), soonest first."""
    begins, ends = _range(args)
    filters = SlotFilters(school_id=args.get("school"), practice=args.get("practice"),
                          grade_band=args.get("grade_band"), subject=args.get("subject"),
                          host_id=args.get("host"),
                          levels=(args["level"],) if args.get("level") else ())
    views = slots_between(g.api_user, begins, ends, filters, limit=args["limit"])
    return {"items": [slot_to_dict(view) for view in views]}


@blp.route("/visit-slots/<id:slot_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, VisitSlotSchema)
@error_responses(blp, 401, 404)
@token_required
def read(slot_id: int):
    """One open classroom with its seats."""
    return _one(get_slot(g.api_user, slot_id))


@blp.route("/visit-slots/<id:slot_id>", methods=["PATCH"])
@blp.doc(security=BEARER)
@blp.arguments(VisitSlotEditSchema)
@blp.response(200, VisitSlotSchema)
@error_responses(blp, 400, 401, 403, 404, 409, 422)
@token_required
def edit(data, slot_id: int):
    """Change one occurrence; visitors get the new time or place."""
    return _one(update_slot(g.api_user, slot_id, data))


@blp.route("/visit-slots/<id:slot_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.arguments(VisitSlotCancelArgsSchema, location="query")
@blp.response(204)
@error_responses(blp, 401, 403, 404, 422)
@token_required
def cancel(args, slot_id: int):
    """Cancel one occurrence, or with `series=following` this one and every later date of its
    weekly series: every visitor is told, with a calendar cancellation."""
    if args["series"] == "following":
        cancel_series_from(g.api_user, slot_id)
    else:
        cancel_slot(g.api_user, slot_id)
    return ""


@blp.route("/visit-slots/<id:slot_id>/bookings", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(201, BookingSchema)
@error_responses(blp, 401, 404, 409, 422)
@token_required
def book(slot_id: int):
    """Book a seat: `confirmed`, `waitlisted` (full) or `pending_approval` (your principal
    decides). 409: you already signed up, or another visit of yours overlaps; 422: your own,
    cancelled, started or closed slot, or your monthly limit."""
    return booking_to_dict(book_slot(g.api_user, slot_id))


@blp.route("/bookings/<id:booking_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(200, BookingSchema)
@error_responses(blp, 401, 403, 404, 422)
@token_required
def cancel_a_booking(booking_id: int):
    """Cancel a booking (the visitor, or the host); the first on the waitlist gets the seat."""
    return booking_to_dict(cancel_booking(g.api_user, booking_id))


@blp.route("/bookings/<id:booking_id>/reflection", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ReflectionCreateSchema)
@blp.response(201, ReflectionSchema)
@blp.alt_response(200, schema=ReflectionSchema, description="An earlier reflection, replaced")
@error_responses(blp, 400, 401, 404, 422)
@token_required
def reflect(data, booking_id: int):
    """After a visit: what you saw and what you will try."""
    reflection, created = write_reflection(g.api_user, booking_id, data)
    return reflection_to_dict(reflection), 201 if created else 200


@blp.route("/me/calendar-feed", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, CalendarFeedSchema)
@error_responses(blp, 401)
@token_required
def calendar_feed():
    """Your secret iCalendar subscription URL (visits you host and attend)."""
    return {"url": calendar_feed_url(g.api_user)}


@blp.route("/me/calendar-feed", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(201, CalendarFeedSchema)
@error_responses(blp, 401)
@token_required
def new_calendar_feed():
    """Revoke your subscription URL and get a new one."""
    return {"url": reset_calendar_feed(g.api_user)}
