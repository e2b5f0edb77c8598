"""Lineage: what sparked a video, and what it sparked, as the viewer may see it.

Items the viewer may not see are never named, only counted in `hidden_count`. The chain
back through earlier generations is short and never loops, even if sparks were to form a
cycle.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import School, User
from ..extensions import db
from ..videos.models import Video
from ..videos.visibility import can_view
from ..visits.models import Booking, VisitSlot
from ..visits.permissions import can_see_slot
from .models import SparkKind, Try, TrySpark
from .visibility import can_see_try

MAX_GENERATIONS = 4


@dataclass
class LineageItem:
    kind: str  # "video", "visit", "try", or "removed" (a video no longer shared)
    school: School | None
    generation: int = 1
    video: Video | None = None
    slot: VisitSlot | None = None
    try_: Try | None = None


@dataclass
class Lineage:
    sparked_by: list[LineageItem] = field(default_factory=list)
    sparked: list[LineageItem] = field(default_factory=list)
    hidden_count: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.sparked_by or self.sparked or self.hidden_count)


def _share_back_tries(video_ids: set[int]) -> list[Try]:
    if not video_ids:
        return []
    return list(db.session.scalars(
        select(Try).where(Try.share_back_video_id.in_(video_ids))
        .options(selectinload(Try.sparks).selectinload(TrySpark.video)
                 .selectinload(Video.owner),
                 selectinload(Try.sparks).selectinload(TrySpark.video)
                 .selectinload(Video.school),
                 selectinload(Try.sparks).selectinload(TrySpark.booking)
                 .selectinload(Booking.slot).selectinload(VisitSlot.host),
                 selectinload(Try.sparks).selectinload(TrySpark.source_school))))


def _spark_item(viewer: User, spark: TrySpark, generation: int) -> LineageItem | None:
    """The spark as the viewer may see it; None when it must only be counted."""
    if spark.kind == SparkKind.BOOKING.value:
        if spark.booking is None:
            return LineageItem("removed", spark.source_school, generation)
        slot = spark.booking.slot
        if not can_see_slot(viewer, slot):
            return None
        return LineageItem("visit", slot.school, generation, slot=slot)
    if spark.video is None:
        return LineageItem("removed", spark.source_school, generation)
    if not can_view(viewer, spark.video):
        return None
    return LineageItem("video", spark.video.school, generation, video=spark.video)


def _sparked_by(viewer: User, video: Video, lineage: Lineage) -> None:
    """Walk back generation by generation through the share-backs' sparks."""
    seen_videos = {video.id}
    frontier = {video.id}
    for generation in range(1, MAX_GENERATIONS + 1):
        next_frontier: set[int] = set()
        for try_ in _share_back_tries(frontier):
            for spark in try_.sparks:
                item = _spark_item(viewer, spark, generation)
                if item is None:
                    lineage.hidden_count += 1
                    continue
                if item.video is not None and item.video.id in seen_videos:
                    continue  # a cycle, or the same video credited twice
                lineage.sparked_by.append(item)
                if item.video is not None:
                    seen_videos.add(item.video.id)
                    next_frontier.add(item.video.id)
        if not next_frontier:
            return
        frontier = next_frontier


def _sparked(viewer: User, video: Video, lineage: Lineage) -> None:
    """The tries a video sparked, each shown as its share-back video when the viewer may
    watch it, as the try when the viewer may read it, and otherwise only counted."""
    tries = db.session.scalars(
        select(Try).where(Try.id.in_(select(TrySpark.try_id)
                                     .where(TrySpark.video_id == video.id)))
        .options(selectinload(Try.share_back_video).selectinload(Video.owner),
                 selectinload(Try.school), selectinload(Try.owner))
        .order_by(Try.created_at, Try.id))
    for try_ in tries:
        shared = try_.share_back_video
        if shared is not None and shared.id != video.id and can_view(viewer, shared):
            lineage.sparked.append(LineageItem("video", shared.school, video=shared,
                                               try_=try_))
        elif can_see_try(viewer, try_):
            lineage.sparked.append(LineageItem("try", try_.school, try_=try_))
        else:
            lineage.hidden_count += 1


def video_lineage(viewer: User, video: Video) -> Lineage:
    """Sparked by and Sparked for a video the viewer may watch (the caller checked that)."""
    lineage = Lineage()
    _sparked_by(viewer, video, lineage)
    _sparked(viewer, video, lineage)
    return lineage
