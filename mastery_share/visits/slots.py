"""Hosting: open a classroom for visits (once or weekly), edit it, cancel it."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import GRADE_BANDS, SUBJECTS, Practice, User
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..text_fields import clean_text
from ..transaction import atomic, commit, lock_row
from ..videos.models import PracticeLevel, Video
from . import notifications
from .local_time import (
    OCCURRENCES,
    format_when,
    local_to_utc,
    to_local,
    weekly_occurrences,
)
from .models import ACTIVE_STATUSES, Booking, BookingStatus, SlotStatus, VisitSlot
from .permissions import can_host, can_manage_slot, can_see_slot
from .seats import confirmed_count, lock_member, lock_slot, promote_waitlist

MAX_REPEAT_WEEKS = 12
LEVELS = tuple(level.value for level in PracticeLevel)
MAX_CAPACITY = 200
DURATION_RANGE = (10, 8 * 60)
HORIZON = timedelta(days=400)  # how far ahead a classroom can be opened


def get_slot(viewer: User, slot_id: int) -> VisitSlot:
    """A slot of the viewer's district; NotFound otherwise."""
    slot = db.session.get(VisitSlot, slot_id)
    if slot is None or not can_see_slot(viewer, slot):
        raise NotFound("No such open classroom.")
    return slot


def get_managed_slot(actor: User, slot_id: int) -> VisitSlot:
    slot = get_slot(actor, slot_id)
    if not can_manage_slot(actor, slot):
        raise Forbidden("Only the host (or a district admin) can change this open classroom.")
    return slot


def start_from(raw: dict, zone_name: str) -> datetime | None:
    """The start as UTC from `starts_at` (an aware datetime: the instant the client said,
    whatever its offset) or a local `date` + `start_time` (+ `occurrence` on the fall-back
    night, when that time happens twice)."""
    if raw.get("starts_at") is not None:
        starts_at = raw["starts_at"]
        if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
            raise Invalid("Give the start with its UTC offset.",
                          {"starts_at": "Use ISO 8601 with an offset, e.g. 2026-11-24T09:00:00-06:00."})
        try:
            return starts_at.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise Invalid("That start is out of range.", {"starts_at": "Out of range."}) from error
    day, at = raw.get("date"), raw.get("start_time")
    if day is None and at is None:
        return None
    if not isinstance(day, date):
        raise Invalid("Choose the day of the visit.", {"date": "Choose a day."})
    if not isinstance(at, time):
        raise Invalid("Choose the start time.", {"start_time": "Choose a time."})
    return local_to_utc(day, at, zone_name, occurrence=raw.get("occurrence"))


def _check_start(starts_at: datetime, field: str) -> None:
    now = utcnow()
    if starts_at <= now:
        raise Invalid("An open classroom must start in the future.",
                      {field: "Choose a time in the future."})
    if starts_at > now + HORIZON:
        raise Invalid("Open classrooms can be planned up to about a year ahead.",
                      {field: "Choose a time within the next year."})


def _int_in(raw: dict, name: str, low: int, high: int, message: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(message, {name: f"Enter a whole number from {low} to {high}."})
    return value


def _text(raw: dict, name: str, limit: int) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    # Room and focus name the visit in calendar summaries and mail: one line each.
    return clean_text(value, field=name, limit=limit)


def practices_from_slugs(slugs) -> list[Practice]:
    slugs = list(dict.fromkeys(slugs or []))
    practices = list(db.session.scalars(select(Practice).where(Practice.slug.in_(slugs))))
    unknown = set(slugs) - {practice.slug for practice in practices}
    if unknown:
        raise Invalid("Unknown practice.", {"practices": f"Unknown: {', '.join(sorted(unknown))}."})
    return sorted(practices, key=lambda practice: practice.position)


def _videos(host: User, video_ids) -> list[Video]:
    video_ids = list(dict.fromkeys(video_ids or []))
    videos = list(db.session.scalars(select(Video).where(Video.id.in_(video_ids),
                                                         Video.owner_id == host.id)))
    if len(videos) != len(video_ids):
        raise Invalid("Link only videos you shared.",
                      {"video_ids": "One of these is not a video of yours."})
    return videos


def _choice(raw: dict, name: str, choices) -> str | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if value not in choices:
        raise Invalid(f"Unknown {name.replace('_', ' ')}.", {name: "Choose one from the list."})
    return value


def clean_slot_fields(host: User, raw: dict, *, partial: bool = False) -> dict:
    """Checked values for a slot; `partial` for an edit (missing means unchanged)."""
    values: dict = {}
    duration = _int_in(raw, "duration_min", *DURATION_RANGE,
                       "A visit lasts 10 minutes to 8 hours.")
    capacity = _int_in(raw, "capacity", 1, MAX_CAPACITY, "Seats must be 1 to 200.")
    if not partial:
        if duration is None:
            raise Invalid("How long is the visit?", {"duration_min": "Enter the minutes."})
        if capacity is None:
            raise Invalid("How many visitors fit?", {"capacity": "Enter the number of seats."})
    if duration is not None:
        values["duration_min"] = duration
    if capacity is not None:
        values["capacity"] = capacity
    for name, limit in (("room", 80), ("focus", 2000)):
        text = _text(raw, name, limit)
        if text is not None:
            values[name] = text
    if not partial and not values.get("focus"):
        raise Invalid("Say what visitors will see.", {"focus": "Describe the focus of the visit."})
    if partial and "focus" in values and not values["focus"]:
        raise Invalid("Say what visitors will see.", {"focus": "Describe the focus of the visit."})
    if raw.get("practices") is not None:
        values["practices"] = practices_from_slugs(raw["practices"])
    if raw.get("video_ids") is not None:
        values["videos"] = _videos(host, raw["video_ids"])
    for name, choices in (("grade_band", GRADE_BANDS), ("subject", SUBJECTS), ("level", LEVELS)):
        if name in raw:
            values[name] = _choice(raw, name, choices)
    return values


def _defaults_from_videos(values: dict, host: User) -> None:
    """A slot opened from a video shows that practice: borrow what the slot leaves blank."""
    videos = values.get("videos") or []
    if videos and not values.get("practices"):
        values["practices"] = sorted({p for v in videos for p in v.practices},
                                     key=lambda practice: practice.position)
    first = videos[0] if videos else None
    if not values.get("grade_band"):
        values["grade_band"] = first.grade_band if first else (
            host.grade_bands[0] if len(host.grade_bands or []) == 1 else None)
    if not values.get("subject"):
        values["subject"] = first.subject if first else (
            host.subjects[0] if len(host.subjects or []) == 1 else None)


def _host_overlap(host_id: int, starts_at: datetime, ends_at: datetime,
                  except_id: int | None = None) -> VisitSlot | None:
    """Another open slot at that time that the host hosts, or visits (booked, waitlisted or
    pending): booking.py refuses the same pair the other way round."""
    visiting = (select(Booking.id)
                .where(Booking.slot_id == VisitSlot.id, Booking.visitor_id == host_id,
                       Booking.status.in_(ACTIVE_STATUSES)).exists())
    query = select(VisitSlot).where(
        or_(VisitSlot.host_id == host_id, visiting), VisitSlot.status == SlotStatus.OPEN.value,
        VisitSlot.starts_at < ends_at, VisitSlot.ends_at > starts_at)
    if except_id is not None:
        query = query.where(VisitSlot.id != except_id)
    return db.session.scalars(query.order_by(VisitSlot.starts_at).limit(1)).first()


def _refuse_host_overlap(host_id: int, starts_at: datetime, ends_at: datetime,
                         except_id: int | None = None) -> None:
    other = _host_overlap(host_id, starts_at, ends_at, except_id)
    if other is None:
        return
    when = format_when(other.starts_at, other.ends_at, other.school.time_zone)
    if other.host_id == host_id:
        raise Conflict(f"You already have an open classroom then: {when}.")
    raise Conflict(f"You are visiting {other.host.name}'s classroom then: {when}.")


@atomic
def create_slots(host: User, raw: dict) -> list[VisitSlot]:
    """Open the host's classroom once, or weekly for up to 12 more weeks (each week its own
    seats), at the same local time in the school's zone."""
    if not can_host(host):
        raise Forbidden("Only members of a school can open a classroom.")
    zone_name = host.school.time_zone
    starts_at = start_from(raw, zone_name)
    if starts_at is None:
        raise Invalid("When does the visit start?", {"starts_at": "Choose the day and time."})
    field = "starts_at" if raw.get("starts_at") is not None else "date"
    _check_start(starts_at, field)
    repeat = _int_in(raw, "repeat_weekly", 0, MAX_REPEAT_WEEKS,
                     "Repeat for at most 12 more weeks.") or 0
    values = clean_slot_fields(host, raw)
    _defaults_from_videos(values, host)
    duration = timedelta(minutes=values.pop("duration_min"))
    occurrences = weekly_occurrences(starts_at, zone_name, repeat)
    if occurrences[-1] > utcnow() + HORIZON:
        raise Invalid("Open classrooms can be planned up to about a year ahead.",
                      {"repeat_weekly": "Repeat for fewer weeks."})
    series_id = uuid.uuid4().hex if repeat else None
    # Two openings at once (two tabs, a retry) must not both find the time free.
    lock_row(User, host.id)
    slots = []
    for start in occurrences:
        _refuse_host_overlap(host.id, start, start + duration)
        slot = VisitSlot(host_id=host.id, school_id=host.school_id,
                         district_id=host.district_id, starts_at=start,
                         ends_at=start + duration, series_id=series_id,
                         status=SlotStatus.OPEN.value, **values)
        db.session.add(slot)
        slots.append(slot)
    commit()
    return slots


def _active_bookings(slot: VisitSlot) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).where(Booking.slot_id == slot.id, Booking.status.in_(ACTIVE_STATUSES))
        .order_by(Booking.position)))


def visitors_of(actor: User, slot: VisitSlot) -> list[Booking]:
    """The host's list of who is coming (and waiting), each with their name and school, in
    three queries however many they are."""
    if not can_manage_slot(actor, slot):
        raise NotFound("Only the host sees who is coming.")
    return list(db.session.scalars(
        select(Booking).where(Booking.slot_id == slot.id, Booking.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Booking.visitor).selectinload(User.school))
        .order_by(Booking.position)))


@atomic
def update_slot(actor: User, slot_id: int, raw: dict) -> VisitSlot:
    """Edit one occurrence; visitors get the new time or place, and more seats serve the
    waitlist."""
    slot = get_managed_slot(actor, slot_id)
    lock_slot(slot.id)
    if not slot.is_open:
        raise Invalid("This open classroom is cancelled.")
    if slot.has_started:
        raise Invalid("This visit has already started; it can no longer be changed.")
    zone_name = slot.school.time_zone
    values = clean_slot_fields(slot.host, raw, partial=True)
    new_start = start_from(raw, zone_name)
    if new_start is not None:
        _check_start(new_start, "starts_at" if raw.get("starts_at") is not None else "date")
    if values.get("capacity") is not None and values["capacity"] < confirmed_count(slot.id):
        raise Invalid("More visitors are confirmed than that.",
                      {"capacity": f"{confirmed_count(slot.id)} visitors already have a seat; "
                                   "cancel bookings first."})
    duration = timedelta(minutes=values.pop("duration_min", slot.duration_min))
    starts_at = new_start or slot.starts_at
    moved = starts_at != slot.starts_at or starts_at + duration != slot.ends_at
    relocated = "room" in values and values["room"] != slot.room
    if moved:
        # Two of the host's classrooms moved at once must not both find the time free.
        lock_member(slot.host_id)
        _refuse_host_overlap(slot.host_id, starts_at, starts_at + duration, except_id=slot.id)
        slot.starts_at, slot.ends_at = starts_at, starts_at + duration
    for name, value in values.items():
        setattr(slot, name, value)
    promoted = promote_waitlist(slot)
    bookings = _active_bookings(slot)
    if moved or relocated:
        slot.ical_sequence += 1
        for booking in bookings:
            if booking not in promoted:
                booking.ical_sequence += 1
        notifications.slot_changed(slot, [b for b in bookings if b not in promoted])
    for booking in promoted:
        notifications.booking_promoted(booking)
    commit()
    return slot


@atomic
def cancel_slot(actor: User, slot_id: int) -> list[Booking]:
    """Cancel one occurrence: every booking on it is cancelled and every visitor is told."""
    slot = get_managed_slot(actor, slot_id)
    lock_slot(slot.id)
    if not slot.is_open:
        raise Invalid("This open classroom is already cancelled.")
    if slot.has_ended:
        raise Invalid("This visit is over; there is nothing to cancel.")
    bookings = cancel_locked_slot(slot, actor)
    commit()
    return bookings


def later_in_series(slot: VisitSlot) -> list[VisitSlot]:
    """The open occurrences of the slot's weekly series from this one on, in time order."""
    if slot.series_id is None:
        return [slot] if slot.is_open else []
    return list(db.session.scalars(
        select(VisitSlot).where(VisitSlot.series_id == slot.series_id,
                                VisitSlot.starts_at >= slot.starts_at,
                                VisitSlot.status == SlotStatus.OPEN.value)
        .order_by(VisitSlot.starts_at)))


@atomic
def cancel_series_from(actor: User, slot_id: int) -> tuple[int, int]:
    """Cancel this occurrence and every later open one of its weekly series, telling each
    one's visitors; returns (occurrences cancelled, bookings cancelled)."""
    first = get_managed_slot(actor, slot_id)
    if not first.is_open:
        raise Invalid("This open classroom is already cancelled.")
    if first.has_started:
        raise Invalid("This visit has already started; cancel the later dates one by one.")
    # Locks are taken in id order, as every other writer of several slots would, so two
    # cancellations of one series never wait on each other in a circle.
    slot_ids = sorted(slot.id for slot in later_in_series(first))
    occurrences = bookings = 0
    for slot_id_ in slot_ids:
        lock_slot(slot_id_)
        slot = db.session.get(VisitSlot, slot_id_)
        if not slot.is_open or slot.has_started:
            continue  # cancelled meanwhile, or under way: left as it is
        bookings += len(cancel_locked_slot(slot, actor))
        occurrences += 1
    commit()
    return occurrences, bookings


def cancel_locked_slot(slot: VisitSlot, actor: User) -> list[Booking]:
    """Under the slot's lock: cancel it and every booking on it; each visitor is told."""
    bookings = _active_bookings(slot)
    now = utcnow()
    slot.status = SlotStatus.CANCELLED.value
    slot.ical_sequence += 1
    for booking in bookings:
        booking.status = BookingStatus.CANCELLED.value
        booking.cancelled_at = now
        booking.cancelled_by_id = actor.id
        booking.ical_sequence += 1
    notifications.slot_cancelled(slot, bookings, actor)
    return bookings


def local_fields(slot: VisitSlot) -> dict:
    """The slot's start as the form shows it: a local date and time in the school's zone, and
    which of the two is meant when the clocks show that time twice."""
    local = to_local(slot.starts_at, slot.school.time_zone)
    return {"date": local.date(), "start_time": local.time().replace(tzinfo=None, fold=0),
            "occurrence": OCCURRENCES[local.fold], "duration_min": slot.duration_min}
