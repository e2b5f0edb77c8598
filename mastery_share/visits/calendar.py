"""Reading the calendar: slots across the district's schools, a teacher's upcoming open
classrooms, a practice's, and "my visits". Each listing runs a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Practice, User
from ..db_types import utcnow
from ..extensions import db
from ..videos.models import Video
from ..videos.visibility import watchable
from .booking import signup_closes_at
from .local_time import local_to_utc, to_local
from .models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    SlotStatus,
    VisitSlot,
    visit_slot_practices,
)
from .seats import SeatCounts, seat_counts

MAX_LISTED = 500


@dataclass
class SlotFilters:
    school_id: int | None = None
    practice: str | None = None
    grade_band: str | None = None
    subject: str | None = None
    host_id: int | None = None
    # Slots at one of these levels, or open to any level (no level); empty: every slot.
    levels: tuple[str, ...] = ()

    def active_count(self) -> int:
        """How many of the calendar's own filters are on (the phone's Filters button says)."""
        return sum(1 for value in (self.school_id, self.practice, self.grade_band, self.subject)
                   if value)


@dataclass
class SlotView:
    """A slot with what a listing shows about it: seats and the viewer's own booking."""

    slot: VisitSlot
    counts: SeatCounts
    my_booking: Booking | None = None
    # The linked videos the viewer may watch; a private or school-only one stays unnamed.
    videos: list[Video] = field(default_factory=list)

    @property
    def hidden_video_count(self) -> int:
        return len(self.slot.videos) - len(self.videos)

    @property
    def seats_left(self) -> int:
        return self.counts.seats_left(self.slot.capacity)

    @property
    def taking_sign_ups(self) -> bool:
        """Open and before the host school's sign-up cut-off: a Book button can work."""
        return self.slot.is_open and utcnow() < signup_closes_at(self.slot)


def _slot_options():
    # Many-to-one in the same query; the lists in one more each.
    return (joinedload(VisitSlot.host), joinedload(VisitSlot.school),
            selectinload(VisitSlot.practices), selectinload(VisitSlot.videos))


def _filtered(query, filters: SlotFilters):
    if filters.practice:
        query = query.where(VisitSlot.id.in_(
            select(visit_slot_practices.c.slot_id).join(Practice)
            .where(Practice.slug == filters.practice)))
    for column, value in ((VisitSlot.school_id, filters.school_id),
                          (VisitSlot.grade_band, filters.grade_band),
                          (VisitSlot.subject, filters.subject),
                          (VisitSlot.host_id, filters.host_id)):
        if value:
            query = query.where(column == value)
    if filters.levels:
        query = query.where(or_(VisitSlot.level.in_(filters.levels), VisitSlot.level.is_(None)))
    return query


def with_seats(viewer: User | None, slots: list[VisitSlot]) -> list[SlotView]:
    """Attach seat counts and the viewer's booking to slots: two queries whatever the count."""
    ids = [slot.id for slot in slots]
    counts = seat_counts(ids)
    mine: dict[int, Booking] = {}
    if viewer is not None and ids:
        mine = {booking.slot_id: booking for booking in db.session.scalars(
            select(Booking).where(Booking.slot_id.in_(ids), Booking.visitor_id == viewer.id,
                                  Booking.status.in_(ACTIVE_STATUSES)))}
    return [SlotView(slot, counts.get(slot.id, SeatCounts()), mine.get(slot.id),
                     watchable(viewer, slot.videos))
            for slot in slots]


def slots_between(viewer: User, begins: datetime, ends: datetime,
                  filters: SlotFilters | None = None, *, include_cancelled: bool = False,
                  limit: int = MAX_LISTED) -> list[SlotView]:
    """Slots of the viewer's district starting in [begins, ends), soonest first."""
    query = select(VisitSlot).where(VisitSlot.district_id == viewer.district_id,
                                    VisitSlot.starts_at >= begins, VisitSlot.starts_at < ends)
    if not include_cancelled:
        query = query.where(VisitSlot.status == SlotStatus.OPEN.value)
    query = _filtered(query, filters or SlotFilters())
    slots = list(db.session.scalars(query.options(*_slot_options())
                                    .order_by(VisitSlot.starts_at, VisitSlot.id).limit(limit)))
    return with_seats(viewer, slots)


def upcoming_slots(viewer: User, filters: SlotFilters, limit: int = 20) -> list[SlotView]:
    """Open slots still taking sign-ups or about to, soonest first."""
    now = utcnow()
    return slots_between(viewer, now, now + timedelta(days=400), filters, limit=limit)


@dataclass
class Week:
    monday: date
    days: list[tuple[date, list[SlotView]]] = field(default_factory=list)

    @property
    def previous(self) -> date:
        return self.monday - timedelta(weeks=1)

    @property
    def following(self) -> date:
        return self.monday + timedelta(weeks=1)

    @property
    def is_empty(self) -> bool:
        return not any(views for _, views in self.days)

    @property
    def shown_days(self) -> list[tuple[date, list[SlotView]]]:
        """The school days, plus a Saturday or Sunday only when a visit falls on it."""
        return [(day, views) for day, views in self.days if day.weekday() < 5 or views]


def next_open_day(viewer: User, after: datetime, zone_name: str,
                  filters: SlotFilters) -> date | None:
    """The local date of the first open classroom from `after` on (within a school year)."""
    [first] = slots_between(viewer, after, after + timedelta(days=366), filters, limit=1) or [None]
    if first is None:
        return None
    return to_local(first.slot.starts_at, first.slot.school.time_zone).date()


def week_of(viewer: User, monday: date, zone_name: str, filters: SlotFilters) -> Week:
    """Seven day columns; a slot sits on its own school's local date."""
    begins = local_to_utc(monday - timedelta(days=1), time(12), zone_name)
    ends = local_to_utc(monday + timedelta(days=8), time(12), zone_name)
    views = slots_between(viewer, begins, ends, filters)
    by_day: dict[date, list[SlotView]] = {monday + timedelta(days=n): [] for n in range(7)}
    for view in views:
        local_day = to_local(view.slot.starts_at, view.slot.school.time_zone).date()
        if local_day in by_day:
            by_day[local_day].append(view)
    return Week(monday=monday, days=list(by_day.items()))


@dataclass
class MyVisits:
    hosting_upcoming: list[SlotView]
    hosting_past: list[SlotView]
    visiting_upcoming: list[Booking]
    visiting_past: list[Booking]


def my_visits(user: User, past_limit: int = 50) -> MyVisits:
    """What the member hosts and what they signed up for, upcoming and past."""
    now = utcnow()
    hosted = db.session.scalars(
        select(VisitSlot).where(VisitSlot.host_id == user.id)
        .where(VisitSlot.starts_at >= now - timedelta(days=365))
        .options(*_slot_options()).order_by(VisitSlot.starts_at))
    hosted = list(hosted)
    upcoming = [s for s in hosted if s.ends_at > now and s.is_open]
    past = [s for s in reversed(hosted) if s.ends_at <= now and s.is_open][:past_limit]
    bookings = list(db.session.scalars(
        select(Booking).join(VisitSlot).where(Booking.visitor_id == user.id)
        .where(VisitSlot.starts_at >= now - timedelta(days=365))
        .options(selectinload(Booking.reflection),
                 selectinload(Booking.slot).selectinload(VisitSlot.host),
                 selectinload(Booking.slot).selectinload(VisitSlot.school))
        .order_by(VisitSlot.starts_at)))
    visiting_upcoming = [b for b in bookings if b.slot.ends_at > now and
                         (b.is_active or b.cancelled_at and b.cancelled_at > now - timedelta(days=14))]
    visiting_past = [b for b in reversed(bookings) if b.slot.ends_at <= now
                     and b.status == BookingStatus.CONFIRMED.value and b.slot.is_open][:past_limit]
    return MyVisits(with_seats(None, upcoming), with_seats(None, past),
                    visiting_upcoming, visiting_past)
