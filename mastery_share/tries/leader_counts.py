"""Counts for a school's leaders: per term of a school year, what the school shared, hosted,
visited, tried, checked in on, shared back and affirmed.

Numbers only: a private try or video counts, never named. One UNION ALL query grouped by
measure and term answers the whole table, whatever the number of rows behind it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, School, User
from ..comments.models import Comment, CommentKind
from ..db_types import utcnow
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..videos.models import Video
from ..visits.models import Booking, BookingStatus, SlotStatus, VisitSlot
from .models import CheckIn, Try
from .school_year import (
    TERM_KEYS,
    SchoolYear,
    bounds_utc,
    parse_year,
    term_of_day,
    term_of_moment,
)
from .visibility import tries_visible_to

MEASURES = (  # key, label, what it counts
    ("videos", "Videos shared", "videos the school's teachers shared"),
    ("visits_hosted", "Visits hosted",
     "confirmed visitors to the school's open classrooms, for visits that took place"),
    ("visits_made", "Visits made", "the school's teachers' confirmed visits that took place"),
    ("tries_started", "Tries started", "tries begun in the school"),
    ("tries_checked_in", "Tries checked in on",
     "tries with at least one check-in dated in the term"),
    ("tries_shared_back", "Tries shared back", "tries shared back as a video"),
    ("affirmations", "Affirmations given", "affirmations written by the school's members"),
)
MEASURE_KEYS = tuple(key for key, _, _ in MEASURES)
TRY_LISTS = ("tries_started", "tries_checked_in", "tries_shared_back")
YEAR = "year"  # the whole-year column


@dataclass
class SchoolCounts:
    school: School
    year: SchoolYear
    counts: dict[str, dict[str, int]]  # measure -> term key (and "year") -> count

    def rows(self):
        """(key, label, help, {term: count, "year": count}) in the table's order."""
        return [(key, label, meaning, self.counts[key]) for key, label, meaning in MEASURES]


def _is_leader(viewer: User) -> bool:
    return viewer.role in (Role.PRINCIPAL.value, Role.COACH.value) or viewer.is_admin


def schools_for_counts(viewer: User) -> list[School]:
    """The schools whose counts `viewer` may read: a principal's or coach's own school, every
    school of the district for an admin; Forbidden for anyone else."""
    if not _is_leader(viewer):
        raise Forbidden("Counts are for a school's principal and coach, and for admins.")
    if viewer.is_admin:
        return list(db.session.scalars(select(School).where(
            School.district_id == viewer.district_id).order_by(School.name)))
    return [viewer.school] if viewer.school is not None else []


def school_for_counts(viewer: User, school_id: int | None) -> tuple[School, list[School]]:
    """The chosen school (default: the first allowed) and the choices; another school than
    one's own is NotFound, as if it did not exist."""
    schools = schools_for_counts(viewer)
    if not schools:
        raise NotFound("There is no school to count for.")
    if school_id is None:
        return (viewer.school if viewer.school in schools else schools[0]), schools
    chosen = next((school for school in schools if school.id == school_id), None)
    if chosen is None:
        raise NotFound("No such school.")
    return chosen, schools


def _took_place(now):
    return and_(Booking.status == BookingStatus.CONFIRMED.value,
                VisitSlot.status == SlotStatus.OPEN.value, VisitSlot.starts_at <= now)


def _count_queries(school_id: int, year: SchoolYear, zone: str):
    start, end = bounds_utc(year.start, year.end, zone)
    now = utcnow()

    def per_term(key, column, *where, counted=None, joins=(), day=False):
        term = term_of_day(column, year) if day else term_of_moment(column, year, zone)
        within = ((column >= year.start, column < year.end) if day
                  else (column >= start, column < end))
        query = select(literal(key).label("measure"), term.label("term"),
                       func.count(counted if counted is not None else literal(1)))
        for target, on in joins:
            query = query.join(target, on)
        return query.where(*within, *where).group_by(term)

    return [
        per_term("videos", Video.created_at, Video.school_id == school_id),
        per_term("visits_hosted", VisitSlot.starts_at, VisitSlot.school_id == school_id,
                 _took_place(now), joins=[(Booking, Booking.slot_id == VisitSlot.id)]),
        per_term("visits_made", VisitSlot.starts_at, User.school_id == school_id,
                 _took_place(now), joins=[(Booking, Booking.slot_id == VisitSlot.id),
                                          (User, User.id == Booking.visitor_id)]),
        per_term("tries_started", Try.created_at, Try.school_id == school_id),
        per_term("tries_checked_in", CheckIn.on, Try.school_id == school_id, day=True,
                 counted=CheckIn.try_id.distinct(), joins=[(Try, Try.id == CheckIn.try_id)]),
        per_term("tries_shared_back", Try.shared_back_at, Try.school_id == school_id),
        per_term("affirmations", Comment.created_at, User.school_id == school_id,
                 Comment.kind == CommentKind.AFFIRMATION.value,
                 joins=[(User, User.id == Comment.author_id)]),
        # A try checked in on in two terms counts once in the year.
        select(literal("tries_checked_in").label("measure"), literal(YEAR).label("term"),
               func.count(CheckIn.try_id.distinct()))
        .join(Try, Try.id == CheckIn.try_id)
        .where(Try.school_id == school_id, CheckIn.on >= year.start, CheckIn.on < year.end),
    ]


def school_counts(viewer: User, school_id: int | None = None,
                  year: SchoolYear | str | None = None) -> SchoolCounts:
    """Per term counts of one school the viewer leads (or, for an admin, any of the
    district's), in the school's own time zone."""
    school, _ = school_for_counts(viewer, school_id)
    if not isinstance(year, SchoolYear):
        year = parse_year(year, school.time_zone)
    counts = {key: {term: 0 for term in (*TERM_KEYS, YEAR)} for key in MEASURE_KEYS}
    for measure, term, count in db.session.execute(
            union_all(*_count_queries(school.id, year, school.time_zone))):
        counts[measure][term] = count
    for key, by_term in counts.items():
        if key != "tries_checked_in":
            by_term[YEAR] = sum(by_term[term] for term in TERM_KEYS)
    return SchoolCounts(school, year, counts)


def school_tries(viewer: User, school_id: int, year: SchoolYear, term: str | None,
                 show: str, limit: int = 200) -> tuple[list[Try], int]:
    """The school's tries behind one count that the viewer may read (newest first, up to
    `limit`), and how many more there are that the viewer may not read."""
    school, _ = school_for_counts(viewer, school_id)
    if show not in TRY_LISTS or term not in (None, *TERM_KEYS):
        raise NotFound("No such list.")
    zone = school.time_zone
    first, last = (year.start, year.end) if term is None else next(
        (t.start, t.end) for t in year.terms if t.key == term)
    start, end = bounds_utc(first, last, zone)
    if show == "tries_checked_in":
        matches = Try.id.in_(select(CheckIn.try_id).where(CheckIn.on >= first,
                                                          CheckIn.on < last))
    else:
        column = Try.created_at if show == "tries_started" else Try.shared_back_at
        matches = and_(column >= start, column < end)
    base = (Try.school_id == school.id, matches)
    visible = tries_visible_to(viewer)
    total, readable = db.session.execute(select(
        func.count(Try.id), func.coalesce(func.sum(case((visible, 1), else_=0)), 0))
        .where(*base)).one()
    tries = list(db.session.scalars(
        select(Try).where(*base, visible)
        .options(selectinload(Try.owner), selectinload(Try.practice),
                 selectinload(Try.check_ins))
        .order_by(Try.created_at.desc(), Try.id.desc()).limit(limit)))
    return tries, total - readable
