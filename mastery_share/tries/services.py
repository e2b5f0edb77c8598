"""The rules of a try: start one from what sparked it, plan, check in, set aside, read."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..db_types import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..transaction import atomic, commit
from ..visits.models import Booking, VisitSlot
from .fields import (
    clean_check_in_fields,
    clean_status,
    clean_try_fields,
    practice_from_slug,
)
from .models import CheckIn, Try, TrySpark, TryStatus, TryVisibility
from .sparks import attended, build_sparks
from .visibility import can_edit_try, can_see_try, tries_visible_to


def today_for(user: User, now: datetime | None = None) -> date:
    """Today where the teacher teaches: a plan's dates are school days, not UTC days."""
    zone = ZoneInfo(user.school.time_zone) if user.school is not None else ZoneInfo("UTC")
    return (now or utcnow()).astimezone(zone).date()


def _check_teacher(teacher: User) -> None:
    if teacher.school_id is None:
        raise Forbidden("Tries belong to a school's classrooms; district admins have none.")


@atomic
def start_try(teacher: User, raw: dict) -> Try:
    """A new try of one practice, credited to the sparks the teacher may see."""
    _check_teacher(teacher)
    errors: dict[str, str] = {}
    practice = practice_from_slug(raw.get("practice"), errors)
    try:
        values = clean_try_fields(raw, today=today_for(teacher))
    except Invalid as problem:
        errors.update(problem.fields)
    if errors:
        raise Invalid("Some parts of the plan need attention.", errors)
    sparks = build_sparks(teacher, raw.get("sparks"))
    try_ = Try(owner_id=teacher.id, school_id=teacher.school_id,
               district_id=teacher.district_id, practice=practice,
               status=TryStatus.PLANNING.value, sparks=sparks, **values)
    db.session.add(try_)
    commit()
    return try_


def _load(try_id: int) -> Try | None:
    return db.session.scalar(
        select(Try).where(Try.id == try_id)
        .options(selectinload(Try.sparks), selectinload(Try.check_ins),
                 selectinload(Try.practice), selectinload(Try.owner)))


def get_try(viewer: User, try_id: int) -> Try:
    """A try whose text `viewer` may read; NotFound otherwise, so a private try never leaks
    even its existence."""
    try_ = _load(try_id)
    if try_ is None or not can_see_try(viewer, try_):
        raise NotFound("No such try.")
    return try_


def get_own_try(teacher: User, try_id: int) -> Try:
    """A try the teacher may change: their own. Another's readable try is 403, a hidden 404."""
    try_ = get_try(teacher, try_id)
    if not can_edit_try(teacher, try_):
        raise Forbidden("Only the teacher who is trying it can change a try.")
    return try_


@atomic
def update_try(teacher: User, try_id: int, raw: dict) -> Try:
    """Edit the plan, who sees it, or its state (a set-aside needs its reason)."""
    try_ = get_own_try(teacher, try_id)
    values = clean_try_fields(raw, today=today_for(teacher), partial=True)
    if "status" in raw:
        values.update(clean_status(raw, try_.status))
    if "sparks" in raw:
        _add_sparks(try_, build_sparks(teacher, raw.get("sparks")))
    if "target_date" in values:
        _rearm_reminders(try_, values["target_date"])
    for name, value in values.items():
        setattr(try_, name, value)
    commit()
    return try_


def pick_up_try(teacher: User, try_id: int) -> Try:
    """A set-aside try resumes where it was: trying if it has check-ins, planning if not."""
    try_ = get_own_try(teacher, try_id)
    status = TryStatus.TRYING if try_.check_ins else TryStatus.PLANNING
    return update_try(teacher, try_id, {"status": status.value})


def _rearm_reminders(try_: Try, new_date: date | None) -> None:
    """A date moved later asks again when it arrives: tries/reminders.py sends each reminder
    once, marked by these columns."""
    if new_date is not None and (try_.target_date is None or new_date > try_.target_date):
        try_.check_in_reminded_at = None
        try_.reflect_reminded_at = None


def _add_sparks(try_: Try, sparks: list[TrySpark]) -> None:
    """New sparks join the try; one already credited is not credited twice."""
    def key(spark):
        return (spark.kind, spark.video_id if spark.kind == "video" else None,
                spark.booking_id, spark.collection_item_id)

    have = {key(spark) for spark in try_.sparks}
    try_.sparks.extend(spark for spark in sparks if key(spark) not in have)


@atomic
def add_check_in(teacher: User, try_id: int, raw: dict, *, media_key: str | None = None,
                 media_type: str | None = None) -> CheckIn:
    """A dated note on the teacher's own try (with its already stored private photo or clip,
    if any); the first one moves a plan to "trying"."""
    try_ = get_own_try(teacher, try_id)
    values = clean_check_in_fields(raw, today=today_for(teacher))
    check_in = CheckIn(try_=try_, media_key=media_key, media_type=media_type, **values)
    db.session.add(check_in)
    if try_.status == TryStatus.PLANNING.value:
        try_.status = TryStatus.TRYING.value
    commit()
    return check_in


def my_tries(teacher: User) -> list[Try]:
    """The teacher's tries, open ones first, newest first within each."""
    rows = db.session.scalars(
        select(Try).where(Try.owner_id == teacher.id)
        .options(selectinload(Try.practice), selectinload(Try.check_ins),
                 selectinload(Try.school), selectinload(Try.share_back_video),
                 selectinload(Try.sparks).selectinload(TrySpark.video),
                 selectinload(Try.sparks).selectinload(TrySpark.source_school),
                 selectinload(Try.sparks).selectinload(TrySpark.booking)
                 .selectinload(Booking.slot).selectinload(VisitSlot.school))
        .order_by(Try.created_at.desc(), Try.id.desc()))
    return sorted(rows, key=lambda try_: not try_.is_open)


def tries_for_practice(viewer: User, practice_id: int, limit: int = 20) -> list[Try]:
    """Recent tries of a practice that the viewer may read."""
    return list(db.session.scalars(
        select(Try).where(Try.practice_id == practice_id, tries_visible_to(viewer))
        .options(selectinload(Try.owner), selectinload(Try.school))
        .order_by(Try.created_at.desc(), Try.id.desc()).limit(limit)))


@atomic
def try_from_reflection(teacher: User, booking_id: int, raw: dict | None = None) -> Try:
    """One step from a visit reflection's "what I will try" to a try credited to that visit."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.visitor_id != teacher.id:
        raise NotFound("No such visit of yours.")
    if booking.reflection is None or not attended(teacher, booking):
        raise Invalid("Write your reflection on the visit first.")
    raw = dict(raw or {})
    reflection = booking.reflection
    practices = reflection.practices or booking.slot.practices
    if not raw.get("practice"):
        if not practices:
            raise Invalid("Choose the practice you will try.",
                          {"practice": "Choose the practice you will try."})
        raw["practice"] = practices[0].slug
    raw.setdefault("plan", reflection.will_try)
    raw.setdefault("learn_notes", reflection.saw)
    raw.setdefault("visibility", TryVisibility.LEADERS.value)
    raw["sparks"] = [{"booking_id": booking.id}]
    return start_try(teacher, raw)


def due_check_ins(teacher: User, today: date | None = None) -> list[Try]:
    """The teacher's open tries whose date has come: each asks for a check-in."""
    today = today or today_for(teacher)
    return list(db.session.scalars(
        select(Try).where(Try.owner_id == teacher.id, Try.target_date <= today,
                          Try.status.in_((TryStatus.PLANNING.value, TryStatus.TRYING.value)))
        .options(selectinload(Try.practice), selectinload(Try.check_ins))
        .order_by(Try.target_date)))
