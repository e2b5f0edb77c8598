"""What the home page shows each member: what is new for them and what needs them.

Each block is one bounded query (or a fixed few), so a home page costs the same number of
queries in a district of 20 videos or 20,000. Every listing of videos, tries and comments
passes the same visibility rules as the pages it links to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Practice, User
from ..accounts.token_models import Invitation
from ..comments.models import Comment, CommentKind
from ..db_types import utcnow
from ..extensions import db
from ..tries.models import Try
from ..tries.visibility import tries_visible_to
from ..videos.models import Video, VideoStatus, video_practices
from ..videos.visibility import visible_to
from ..visits.calendar import SlotView, slots_between, with_seats
from ..visits.local_time import local_to_utc
from ..visits.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    SlotStatus,
    VisitSlot,
)

LISTED = 6
OPEN_CLASSROOM_DAYS = 14
FEEDBACK_DAYS = 30
SUPPORT_DAYS = 14


def my_practice_ids(user: User) -> list[int]:
    """Practices the member is learning, trying or sharing."""
    learning = [practice.id for practice in user.new_to_practices]
    trying = select(Try.practice_id).where(Try.owner_id == user.id)
    sharing = (select(video_practices.c.practice_id)
               .join(Video, Video.id == video_practices.c.video_id)
               .where(Video.owner_id == user.id))
    found = set(db.session.scalars(trying.union(sharing)))
    return sorted(found | set(learning))


def new_videos_for(user: User, practice_ids: list[int], limit: int = LISTED) -> list[Video]:
    """Others' ready videos in my practices and grade bands, newest first."""
    query = select(Video).where(visible_to(user), Video.owner_id != user.id,
                                Video.status == VideoStatus.READY.value)
    if practice_ids:
        # EXISTS, probed through the (video_id, practice_id) key for each video in date order
        # until six are found: an IN (subquery) built the list of every video of those
        # practices first (1.4 ms of a 15 ms page at 10,000 videos).
        query = query.where(
            select(video_practices.c.video_id)
            .where(video_practices.c.video_id == Video.id,
                   video_practices.c.practice_id.in_(practice_ids)).exists())
    if user.grade_bands:
        query = query.where(Video.grade_band.in_(user.grade_bands))
    return list(db.session.scalars(
        query.options(joinedload(Video.owner), joinedload(Video.school),
                      selectinload(Video.practices))
        .order_by(Video.created_at.desc(), Video.id.desc()).limit(limit)))


def open_classrooms_for(user: User, limit: int = LISTED) -> list[SlotView]:
    """Others' classrooms open in the next two weeks with a seat left and sign-up still open,
    soonest first."""
    now = utcnow()
    views = slots_between(user, now, now + timedelta(days=OPEN_CLASSROOM_DAYS), limit=60)
    return [view for view in views
            if view.slot.host_id != user.id and view.seats_left > 0 and view.my_booking is None
            and view.taking_sign_ups][:limit]


def my_upcoming_visits(user: User, limit: int = LISTED) -> list[Booking]:
    """The visits I signed up for that are still ahead (waitlisted and pending included)."""
    return list(db.session.scalars(
        select(Booking).join(VisitSlot)
        .where(Booking.visitor_id == user.id, Booking.status.in_(ACTIVE_STATUSES),
               VisitSlot.status == SlotStatus.OPEN.value, VisitSlot.ends_at > utcnow())
        .options(joinedload(Booking.slot).joinedload(VisitSlot.host),
                 joinedload(Booking.slot).joinedload(VisitSlot.school))
        .order_by(VisitSlot.starts_at, Booking.id).limit(limit)))


@dataclass
class HostedVisit:
    view: SlotView
    visitors: list[User] = field(default_factory=list)


def visits_i_host(user: User, limit: int = LISTED) -> list[HostedVisit]:
    """My open classrooms still ahead, with who is coming (confirmed visitors)."""
    slots = list(db.session.scalars(
        select(VisitSlot).where(VisitSlot.host_id == user.id,
                                VisitSlot.status == SlotStatus.OPEN.value,
                                VisitSlot.ends_at > utcnow())
        .options(joinedload(VisitSlot.school))
        .order_by(VisitSlot.starts_at, VisitSlot.id).limit(limit)))
    coming: dict[int, list[User]] = {slot.id: [] for slot in slots}
    if slots:
        for booking in db.session.scalars(
                select(Booking).where(Booking.slot_id.in_(coming),
                                      Booking.status == BookingStatus.CONFIRMED.value)
                .options(selectinload(Booking.visitor)).order_by(Booking.position)):
            coming[booking.slot_id].append(booking.visitor)
    return [HostedVisit(view, coming[view.slot.id]) for view in with_seats(user, slots)]


@dataclass
class Feedback:
    comment: Comment
    video: Video


def feedback_on_my_videos(user: User, limit: int = LISTED) -> list[Feedback]:
    """Others' affirmations, questions and notes on my videos lately, newest first."""
    rows = db.session.execute(
        select(Comment, Video).join(Video, Video.id == Comment.video_id)
        .where(Video.owner_id == user.id, Comment.author_id != user.id,
               Comment.created_at >= utcnow() - timedelta(days=FEEDBACK_DAYS))
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit))
    return [Feedback(comment, video) for comment, video in rows]


def my_unfinished_videos(user: User, limit: int = LISTED) -> list[Video]:
    """My videos still waiting, processing, or failed (with the reason on their page)."""
    return list(db.session.scalars(
        select(Video).where(Video.owner_id == user.id,
                            Video.status != VideoStatus.READY.value)
        .order_by(Video.created_at.desc(), Video.id.desc()).limit(limit)))


# --- coaches ------------------------------------------------------------------------------

def upcoming_meetings(user: User, today: date, limit: int = LISTED):
    """PLC meetings ahead with their collections: mine and those shared with me."""
    from ..collections.models import Collection
    from ..collections.sharing import collections_visible_to

    return list(db.session.scalars(
        select(Collection).where(collections_visible_to(user), Collection.meeting_date >= today)
        .options(selectinload(Collection.curator))
        .order_by(Collection.meeting_date, Collection.id).limit(limit)))


@dataclass
class SupportRow:
    teacher: User
    videos: int = 0
    tries: int = 0


def teachers_to_support(user: User, limit: int = LISTED) -> list[SupportRow]:
    """Teachers of my school who shared a video or started a try lately (what I may see)."""
    if user.school_id is None:
        return []
    since = utcnow() - timedelta(days=SUPPORT_DAYS)
    rows: dict[int, SupportRow] = {}
    video_counts = db.session.execute(
        select(Video.owner_id, func.count()).join(User, User.id == Video.owner_id)
        .where(User.school_id == user.school_id, User.id != user.id, visible_to(user),
               Video.created_at >= since)
        .group_by(Video.owner_id))
    try_counts = db.session.execute(
        select(Try.owner_id, func.count()).join(User, User.id == Try.owner_id)
        .where(User.school_id == user.school_id, User.id != user.id, tries_visible_to(user),
               Try.created_at >= since)
        .group_by(Try.owner_id))
    for owner_id, count in video_counts:
        rows.setdefault(owner_id, SupportRow(None)).videos = count
    for owner_id, count in try_counts:
        rows.setdefault(owner_id, SupportRow(None)).tries = count
    busiest = sorted(rows, key=lambda owner: -(rows[owner].videos + rows[owner].tries))[:limit]
    people = {person.id: person for person in db.session.scalars(
        select(User).where(User.id.in_(busiest)))} if busiest else {}
    for owner_id in busiest:
        rows[owner_id].teacher = people[owner_id]
    return [rows[owner_id] for owner_id in busiest]


# --- principals ---------------------------------------------------------------------------

def term_start(today: date) -> date:
    """A school year's two terms: August to December, January to July."""
    return date(today.year, 8, 1) if today.month >= 8 else date(today.year, 1, 1)


@dataclass
class SchoolNumbers:
    since: date
    videos_shared: int
    visits_hosted: int
    visits_made: int
    affirmations: int
    tries: int


def _day_start(day: date, zone_name: str) -> datetime:
    """Midnight of `day` in the school's time zone, as an aware UTC instant."""
    return local_to_utc(day, time(0), zone_name)


def school_numbers(school_id: int, since: date, zone_name: str) -> SchoolNumbers:
    """My school since the term began, in one query."""
    start, now = _day_start(since, zone_name), utcnow()
    teacher_of_school = select(User.id).where(User.school_id == school_id)
    counts = db.session.execute(select(
        select(func.count()).select_from(Video)
        .where(Video.school_id == school_id, Video.created_at >= start).scalar_subquery(),
        select(func.count()).select_from(Booking).join(VisitSlot)
        .where(VisitSlot.school_id == school_id, VisitSlot.starts_at >= start,
               VisitSlot.starts_at < now,
               Booking.status == BookingStatus.CONFIRMED.value).scalar_subquery(),
        select(func.count()).select_from(Booking).join(VisitSlot)
        .where(Booking.visitor_id.in_(teacher_of_school), VisitSlot.starts_at >= start,
               VisitSlot.starts_at < now,
               Booking.status == BookingStatus.CONFIRMED.value).scalar_subquery(),
        select(func.count()).select_from(Comment).join(Video, Video.id == Comment.video_id)
        .where(Video.school_id == school_id, Comment.kind == CommentKind.AFFIRMATION.value,
               Comment.created_at >= start).scalar_subquery(),
        select(func.count()).select_from(Try)
        .where(Try.school_id == school_id, Try.created_at >= start).scalar_subquery(),
    )).one()
    return SchoolNumbers(since, *counts)


def unaffirmed_risk_takers(principal: User, today: date, limit: int = LISTED) -> list[User]:
    """Teachers of my school who shared a video or started a try this month and whose videos
    have had no affirmation this month."""
    month = _day_start(today.replace(day=1), principal.school.time_zone)
    shared = select(Video.owner_id).where(Video.school_id == principal.school_id,
                                          Video.created_at >= month)
    tried = select(Try.owner_id).where(Try.school_id == principal.school_id,
                                       Try.created_at >= month)
    affirmed = (select(Video.owner_id).join(Comment, Comment.video_id == Video.id)
                .where(Comment.kind == CommentKind.AFFIRMATION.value,
                       Comment.created_at >= month))
    return list(db.session.scalars(
        select(User).where(User.school_id == principal.school_id, User.active.is_(True),
                           User.id != principal.id,
                           or_(User.id.in_(shared), User.id.in_(tried)),
                           User.id.not_in(affirmed))
        .order_by(User.name, User.id).limit(limit)))


# --- admins -------------------------------------------------------------------------------

@dataclass
class DistrictNumbers:
    schools: int
    members: int
    videos: int
    visits_this_term: int
    tries_this_term: int
    invitations_pending: int
    failed_videos: int


def district_numbers(district_id: int, since: date, zone_name: str) -> DistrictNumbers:
    from ..accounts.models import School

    start, now = _day_start(since, zone_name), utcnow()
    counts = db.session.execute(select(
        select(func.count()).select_from(School)
        .where(School.district_id == district_id).scalar_subquery(),
        select(func.count()).select_from(User)
        .where(User.district_id == district_id, User.active.is_(True)).scalar_subquery(),
        select(func.count()).select_from(Video)
        .where(Video.district_id == district_id,
               Video.status == VideoStatus.READY.value).scalar_subquery(),
        select(func.count()).select_from(Booking).join(VisitSlot)
        .where(VisitSlot.district_id == district_id, VisitSlot.starts_at >= start,
               VisitSlot.starts_at < now,
               Booking.status == BookingStatus.CONFIRMED.value).scalar_subquery(),
        select(func.count()).select_from(Try)
        .where(Try.district_id == district_id, Try.created_at >= start).scalar_subquery(),
        _pending_invitations(district_id).with_only_columns(func.count()).scalar_subquery(),
        select(func.count()).select_from(Video)
        .where(Video.district_id == district_id,
               Video.status == VideoStatus.FAILED.value).scalar_subquery(),
    )).one()
    return DistrictNumbers(*counts)


def _pending_invitations(district_id: int):
    from ..accounts.models import School

    return (select(Invitation).join(School, School.id == Invitation.school_id)
            .where(School.district_id == district_id, Invitation.accepted_at.is_(None),
                   Invitation.expires_at > utcnow()))


def pending_invitations(district_id: int, limit: int = LISTED) -> list[Invitation]:
    return list(db.session.scalars(
        _pending_invitations(district_id).options(selectinload(Invitation.school))
        .order_by(Invitation.expires_at, Invitation.id).limit(limit)))


def failed_videos(district_id: int, limit: int = LISTED) -> list[Video]:
    return list(db.session.scalars(
        select(Video).where(Video.district_id == district_id,
                            Video.status == VideoStatus.FAILED.value)
        .options(selectinload(Video.owner), selectinload(Video.school))
        .order_by(Video.updated_at.desc(), Video.id.desc()).limit(limit)))


def practices_by_id(ids: list[int]) -> list[Practice]:
    if not ids:
        return []
    return list(db.session.scalars(select(Practice).where(Practice.id.in_(ids))
                                   .order_by(Practice.position)))

