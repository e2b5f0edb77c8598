"""Seeding the demo district's school year of spread; the story itself is demo_spread_story.py.

Every row is looked up before it is made (a try by its teacher and plan, an open classroom by
its host and focus, the Start-here collection by its curator and title), so running seed-demo
again adds nothing, and a run cut short is completed by the next one. A share-back video
re-uses a demo clip's stored original instead of making a new one; the worker processes it
like any upload.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from .accounts.models import Practice, User
from .collections.models import Collection, CollectionItem
from .demo_spread_story import (
    START_HERE,
    TRIES,
    VISITS,
    DemoShareBack,
    DemoTry,
    DemoVisit,
)
from .demo_videos import DEMO_VIDEOS, demo_captions
from .extensions import db
from .transaction import commit
from .tries.models import CheckIn, SparkKind, Try, TrySpark, TryStatus
from .tries.reminders import REFLECT_AFTER, share_back_due
from .tries.school_year import year_of
from .videos.models import Video
from .videos.services import create_video
from .videos.storage_access import media_storage
from .visits.models import Booking, BookingStatus, Reflection, SlotStatus, VisitSlot

# Teaching starts about three weeks into the school year (which begins August 1).
FIRST_WEEKS = timedelta(days=20)
# Early in a school year there is too little of it for a believable story: it then starts
# this long before today, in the spring of the year before.
SHORTEST_SPAN, FALLBACK_SPAN = timedelta(days=60), timedelta(days=150)
VISIT_LENGTH = timedelta(minutes=45)


@dataclass(frozen=True)
class _Calendar:
    """Turns the story's fractions of the school year so far into school days."""

    first: date
    today: date

    @classmethod
    def for_today(cls, today: date) -> _Calendar:
        first = year_of(today).start + FIRST_WEEKS
        if today - first < SHORTEST_SPAN:
            first = today - FALLBACK_SPAN
        return cls(first, today)

    def day(self, fraction: float) -> date:
        """A school day: a weekend or winter-break day moves to the first school day after
        it, or to the last one before it when that would pass today."""
        day = self.first + timedelta(days=round(fraction * (self.today - self.first).days))
        after = before = day
        while not _school_day(after):
            after += timedelta(days=1)
        while not _school_day(before):
            before -= timedelta(days=1)
        return after if after <= self.today or day > self.today else before

    def moment(self, fraction: float, hour: int, zone: str) -> datetime:
        local = datetime.combine(self.day(fraction), time(hour), tzinfo=ZoneInfo(zone))
        return local.astimezone(UTC)


def _school_day(day: date) -> bool:
    winter_break = (day.month == 12 and day.day >= 19) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not winter_break


@dataclass
class _Sources:
    """What a story spark can point at, once it exists."""

    people: dict[str, User]
    videos: dict[str, Video]  # demo teacher -> their demo video
    practices: dict[str, Practice]
    bookings: dict[tuple[str, str], Booking] = field(default_factory=dict)  # (host, visitor)
    items: dict[str, CollectionItem] = field(default_factory=dict)  # video owner -> item
    shared: dict[str, Video] = field(default_factory=dict)  # story key -> share-back video


def seed_demo_spread(domain: str, today: date | None = None) -> int:
    """Create whatever part of the demo spread is missing; returns how many tries it made.

    Needs the demo videos (seed_demo_videos): without them there is nothing to spark from.
    """
    people = {user.email.split("@")[0]: user for user in db.session.scalars(
        select(User).where(User.email.like(f"%@{domain}")))}
    videos = _demo_videos(people)
    if not videos:
        return 0
    calendar = _Calendar.for_today(today or datetime.now(ZoneInfo("America/Chicago")).date())
    sources = _Sources(people, videos, {practice.slug: practice
                                        for practice in db.session.scalars(select(Practice))})
    if not _any_demo_try(people):
        _backdate(videos.values(), calendar.moment(-0.15, 16, "America/Chicago"))
    for visit in VISITS:
        _ensure_visit(visit, sources, calendar)
    _ensure_start_here(sources, calendar)
    commit()
    made = 0
    for story in sorted(TRIES, key=lambda story: story.start):
        try_, new = _ensure_try(story, sources, calendar)
        made += new
        if try_ is not None and story.share_back is not None:
            _ensure_share_back(try_, story, story.share_back, sources, calendar)
    return made


def _demo_videos(people: dict[str, User]) -> dict[str, Video]:
    titles = {local: title for local, title, *_ in DEMO_VIDEOS}
    found = {}
    for local, title in titles.items():
        owner = people.get(local)
        video = owner and db.session.scalar(
            select(Video).where(Video.owner_id == owner.id, Video.title == title)
            .order_by(Video.id).limit(1))
        if video is not None:
            found[local] = video
    return found


def _any_demo_try(people: dict[str, User]) -> bool:
    ids = [user.id for user in people.values()]
    return db.session.scalar(select(Try.id).where(Try.owner_id.in_(ids)).limit(1)) is not None


def _backdate(videos, moment: datetime) -> None:
    """The demo videos were shared before the story's school year began, not today."""
    for video in videos:
        video.created_at = min(video.created_at, moment)


def _ensure_visit(visit: DemoVisit, sources: _Sources, calendar: _Calendar) -> None:
    host = sources.people[visit.host]
    slot = db.session.scalar(select(VisitSlot).where(VisitSlot.host_id == host.id,
                                                     VisitSlot.focus == visit.focus))
    if slot is None:
        starts = calendar.moment(visit.at, visit.hour, host.school.time_zone)
        ends = starts + VISIT_LENGTH
        slot = VisitSlot(
            host_id=host.id, school_id=host.school_id, district_id=host.district_id,
            starts_at=starts, ends_at=ends, capacity=4, room=visit.room, focus=visit.focus,
            grade_band=(host.grade_bands or [None])[0], subject=(host.subjects or [None])[0],
            level=visit.level, status=SlotStatus.OPEN.value, booking_seq=len(visit.visitors),
            reminded_at=starts - timedelta(hours=20), created_at=starts - timedelta(days=14))
        slot.practices = [sources.practices[slug] for slug in visit.practices]
        for position, (local, saw, will_try) in enumerate(visit.visitors, start=1):
            booking = Booking(
                slot=slot, visitor_id=sources.people[local].id,
                status=BookingStatus.CONFIRMED.value, position=position,
                reminded_at=starts - timedelta(hours=20), reflection_requested_at=ends,
                created_at=starts - timedelta(days=10 - position))
            booking.reflection = Reflection(saw=saw, will_try=will_try,
                                            practices=list(slot.practices),
                                            created_at=ends + timedelta(hours=4))
        db.session.add(slot)
        db.session.flush()
    for booking in slot.bookings:
        local = booking.visitor.email.split("@")[0]
        sources.bookings[(visit.host, local)] = booking


def _ensure_start_here(sources: _Sources, calendar: _Calendar) -> None:
    """A coach's collection, flagged as its practice's "Start here" path if the district has
    none for it yet (one per practice and district)."""
    curator_local, title, slug, purpose, owners = START_HERE
    curator = sources.people[curator_local]
    collection = db.session.scalar(select(Collection).where(
        Collection.curator_id == curator.id, Collection.title == title))
    if collection is None:
        practice = sources.practices[slug]
        taken = db.session.scalar(select(Collection.id).where(
            Collection.district_id == curator.district_id,
            Collection.path_practice_id == practice.id))
        collection = Collection(
            curator_id=curator.id, school_id=curator.school_id,
            district_id=curator.district_id, title=title, purpose=purpose,
            visibility="district", path_practice_id=None if taken else practice.id,
            created_at=calendar.moment(0.45, 16, curator.school.time_zone))
        collection.items = [CollectionItem(video_id=sources.videos[owner].id, position=position)
                            for position, owner in enumerate(owners, start=1)
                            if owner in sources.videos]
        db.session.add(collection)
        db.session.flush()
    by_video = {video.id: local for local, video in sources.videos.items()}
    for item in collection.items:
        if item.video_id in by_video:
            sources.items[by_video[item.video_id]] = item


def _spark(story: DemoTry, sources: _Sources) -> TrySpark | None:
    """The story's spark, or None while what it points at does not exist yet."""
    kind, name = story.spark
    if kind == "visit":
        booking = sources.bookings.get((name, story.teacher))
        return booking and TrySpark(kind=SparkKind.BOOKING.value, booking_id=booking.id,
                                    source_school_id=booking.slot.school_id)
    if kind == "item":
        item = sources.items.get(name)
        return item and TrySpark(kind=SparkKind.COLLECTION_ITEM.value,
                                 collection_item_id=item.id, video_id=item.video_id,
                                 source_school_id=item.video.school_id)
    video = sources.videos.get(name) if kind == "video" else sources.shared.get(name)
    return video and TrySpark(kind=SparkKind.VIDEO.value, video_id=video.id,
                              source_school_id=video.school_id)


def _status(story: DemoTry) -> str:
    if story.set_aside:
        return TryStatus.SET_ASIDE.value
    return (TryStatus.TRYING if story.check_ins else TryStatus.PLANNING).value


def _ensure_try(story: DemoTry, sources: _Sources,
                calendar: _Calendar) -> tuple[Try | None, bool]:
    teacher = sources.people[story.teacher]
    existing = db.session.scalar(select(Try).where(Try.owner_id == teacher.id,
                                                   Try.plan == story.plan))
    if existing is not None:
        return existing, False
    spark = _spark(story, sources)
    if spark is None:
        return None, False
    zone = teacher.school.time_zone
    started = calendar.moment(story.start, 15, zone)
    spark.created_at = started
    try_ = Try(owner_id=teacher.id, school_id=teacher.school_id,
               district_id=teacher.district_id, practice=sources.practices[story.practice],
               plan=story.plan, students=story.students, success_looks_like=story.success,
               target_date=calendar.day(story.target), visibility=story.visibility,
               status=_status(story), set_aside_reason=story.set_aside, sparks=[spark],
               created_at=started, updated_at=started)
    try_.check_ins = [CheckIn(on=calendar.day(note.at), what_happened=note.what_happened,
                              evidence=note.evidence, adjust=note.adjust,
                              created_at=calendar.moment(note.at, 16, zone))
                      for note in story.check_ins]
    _mark_reminders_sent(try_, calendar, zone)
    db.session.add(try_)
    commit()
    return try_, True


def _mark_reminders_sent(try_: Try, calendar: _Calendar, zone: str) -> None:
    """The reminders a real year would have sent already; a date arriving today is left
    for the scheduler, so the demo's outbox shows one."""
    def at_seven(day: date) -> datetime:
        return datetime.combine(day, time(7), tzinfo=ZoneInfo(zone)).astimezone(UTC)

    if try_.target_date < calendar.today:
        try_.check_in_reminded_at = at_seven(try_.target_date)
    if share_back_due(try_, calendar.today):
        last = max(check_in.on for check_in in try_.check_ins)
        try_.reflect_reminded_at = at_seven(last + REFLECT_AFTER)


def _ensure_share_back(try_: Try, story: DemoTry, shared: DemoShareBack, sources: _Sources,
                       calendar: _Calendar) -> None:
    if try_.share_back_video_id is None:
        teacher = sources.people[story.teacher]
        original = sources.videos[shared.media_from].original_key
        with tempfile.TemporaryDirectory(prefix="demo-share-back-") as folder:
            clip = Path(folder) / f"{story.key}.mp4"
            with media_storage().open(original) as stream, clip.open("wb") as out:
                shutil.copyfileobj(stream, out)
            video = create_video(teacher, {
                "title": shared.title, "description": " ".join(shared.lines[:2]),
                "practices": [story.practice], "grade_band": shared.grade_band,
                "subject": shared.subject, "visibility": shared.visibility,
                "level": shared.level, "media_release": True, "try_id": try_.id,
            }, source=clip, filename=clip.name,
                captions=("captions.vtt", demo_captions(shared.lines)))
        moment = calendar.moment(shared.at, 17, teacher.school.time_zone)
        db.session.execute(update(Video).where(Video.id == video.id)
                           .values(created_at=moment).execution_options(synchronize_session=False))
        db.session.execute(update(Try).where(Try.id == try_.id)
                           .values(shared_back_at=moment).execution_options(synchronize_session=False))
        commit()
    sources.shared[story.key] = db.session.get(Video, try_.share_back_video_id)
