"""What the try pages show of a try's sparks and share-back, for one viewer.

A spark passes through the same visibility rules as any list: a video the viewer may not
watch, or a visit they may not see, is never named on a page, only counted.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Practice, School, User
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..query_args import whole_number
from ..videos.models import Video
from ..videos.visibility import can_view
from ..visits.models import Booking, VisitSlot
from ..visits.permissions import can_see_slot
from .models import SparkKind, Try, TrySpark
from .services import get_own_try
from .sparks import build_sparks

# The query names of a spark on /tries/new, and the spark spec each one builds.
SPARK_ARGS = {"video": "video_id", "booking": "booking_id", "item": "collection_item_id"}


@dataclass
class SparkView:
    """One spark as a page shows it: a video, a visit, or a removed one (never named)."""

    kind: str  # "video", "visit", "removed_video" or "removed_visit"
    video: Video | None = None
    slot: VisitSlot | None = None

    @property
    def school(self) -> School | None:
        if self.video is not None:
            return self.video.school
        return self.slot.school if self.slot is not None else None


@dataclass
class LearnSection:
    sparks: list[SparkView] = field(default_factory=list)
    hidden_count: int = 0


def can_start_try(user: User | None) -> bool:
    """Tries belong to a school's classrooms: members with a school start them."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.school_id is not None)


def spark_specs(values: Mapping) -> list[dict]:
    """The sparks named by ?video=, ?booking= and ?item= (or the form's hidden fields).
    A value that cannot be an id names nothing the teacher can see: NotFound."""
    specs = []
    for name, key in SPARK_ARGS.items():
        raw = str(values.get(name) or "").strip()
        if not raw:
            continue
        number = whole_number(raw)
        if number is None:
            raise NotFound("No such video, visit or collection item.")
        specs.append({key: number})
    return specs


def preview_sparks(teacher: User, specs: list[dict]) -> tuple[list[SparkView], list[Practice]]:
    """The sparks a new try will be credited to, and their practices (for the form's
    prefill); NotFound when one is not something the teacher may see, so a hidden video's
    existence is not confirmed by the form."""
    try:
        sparks = build_sparks(teacher, specs)
    except Invalid:
        raise NotFound("No such video, visit or collection item, or you cannot see it.") from None
    views: list[SparkView] = []
    practices: list[Practice] = []
    for spark in sparks:
        if spark.kind == SparkKind.BOOKING.value:
            slot = db.session.get(Booking, spark.booking_id).slot
            views.append(SparkView("visit", slot=slot))
            found = slot.practices
        else:
            video = db.session.get(Video, spark.video_id)
            views.append(SparkView("video", video=video))
            found = video.practices
        practices.extend(p for p in found if p not in practices)
    return views, practices


def _spark_view(viewer: User, spark: TrySpark) -> SparkView | None:
    if spark.kind == SparkKind.BOOKING.value:
        if spark.booking is None:
            return SparkView("removed_visit")
        slot = spark.booking.slot
        return SparkView("visit", slot=slot) if can_see_slot(viewer, slot) else None
    if spark.video is None:
        return SparkView("removed_video")
    return SparkView("video", video=spark.video) if can_view(viewer, spark.video) else None


def learn_section(viewer: User, try_: Try) -> LearnSection:
    """The try's sparks the viewer may see, in a fixed number of queries; the rest counted."""
    sparks = db.session.scalars(
        select(TrySpark).where(TrySpark.try_id == try_.id)
        .options(selectinload(TrySpark.video).selectinload(Video.owner),
                 selectinload(TrySpark.video).selectinload(Video.school),
                 selectinload(TrySpark.booking).selectinload(Booking.slot)
                 .selectinload(VisitSlot.host),
                 selectinload(TrySpark.booking).selectinload(Booking.slot)
                 .selectinload(VisitSlot.school))
        .order_by(TrySpark.id))
    section = LearnSection()
    for spark in sparks:
        view = _spark_view(viewer, spark)
        if view is None:
            section.hidden_count += 1
        else:
            section.sparks.append(view)
    return section


@dataclass
class ShareBackOffer:
    try_: Try
    video: Video | None  # the share-back already made, when there is one

    @property
    def headline(self) -> str:
        """The plan's first line, for "Sharing back: ..."."""
        lines = (self.try_.plan or "").strip().splitlines()
        return lines[0] if lines else ""


def share_back_offer(teacher: User, try_id: int) -> ShareBackOffer:
    """The teacher's own try that a new video would share back (NotFound for any other)."""
    try:
        try_ = get_own_try(teacher, try_id)
    except Forbidden:
        raise NotFound("No such try of yours.") from None
    video = try_.share_back_video if try_.share_back_video_id is not None else None
    return ShareBackOffer(try_, video)


def try_from_booking(teacher: User, booking_id: int) -> Try | None:
    """The teacher's newest try already credited to this visit, so a second click on
    "Turn it into a try" opens that one instead of making a twin."""
    return db.session.scalar(
        select(Try).join(TrySpark).where(Try.owner_id == teacher.id,
                                         TrySpark.booking_id == booking_id)
        .order_by(Try.created_at.desc(), Try.id.desc()).limit(1))
