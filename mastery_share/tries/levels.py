"""What a practice's page offers a member at their level: new teachers are not pressed into a
practice before they are ready, experienced ones are not held back.

A member who marked themselves new to the practice (in their profile) gets the coach's
"Start here" path (the district's flagged collection, in its order) and the getting-started
videos; everyone else gets "Go further": refining and advanced videos and the open
classrooms of the coming weeks at those levels (or open to any level). Every video passes
the visibility rule: one the member may not watch is never named. A fixed number of queries
whatever the number of items.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Practice, User
from ..accounts.practices import is_new_to_practice
from ..collections.models import Collection
from ..collections.paths import start_here_path
from ..collections.presentation import ItemView, item_views
from ..db_types import utcnow
from ..extensions import db
from ..videos.models import PracticeLevel, Video, VideoStatus, video_practices
from ..videos.visibility import visible_to
from ..visits.calendar import SlotFilters, SlotView, slots_between

VIDEOS_SHOWN = 6
SLOTS_SHOWN = 6
COMING_WEEKS = timedelta(weeks=6)
FURTHER = (PracticeLevel.REFINING.value, PracticeLevel.ADVANCED.value)


@dataclass
class PracticeLevels:
    """The "Start here" block (new members) or the "Go further" block (everyone else)."""

    new_to_practice: bool
    path: Collection | None = None
    path_items: list[ItemView] = field(default_factory=list)  # only videos they may watch
    videos: list[Video] = field(default_factory=list)
    slots: list[SlotView] = field(default_factory=list)


def practice_levels(viewer: User, practice: Practice) -> PracticeLevels:
    """The block of the practice's page that fits the viewer's experience with it."""
    if is_new_to_practice(viewer, practice.id):
        path = start_here_path(viewer, practice.id)
        items = [view for view in item_views(viewer, path) if view.available] if path else []
        return PracticeLevels(
            new_to_practice=True, path=path, path_items=items,
            videos=practice_videos(viewer, practice.id, (PracticeLevel.GETTING_STARTED.value,)))
    now = utcnow()
    slots = slots_between(viewer, now, now + COMING_WEEKS,
                          SlotFilters(practice=practice.slug, levels=FURTHER), limit=SLOTS_SHOWN)
    return PracticeLevels(new_to_practice=False,
                          videos=practice_videos(viewer, practice.id, FURTHER), slots=slots)


def practice_videos(viewer: User, practice_id: int, levels: tuple[str, ...],
                    limit: int = VIDEOS_SHOWN) -> list[Video]:
    """The newest ready videos of the practice at these levels that the viewer may watch."""
    return list(db.session.scalars(
        select(Video).where(
            visible_to(viewer), Video.status == VideoStatus.READY.value,
            Video.level.in_(levels),
            Video.id.in_(select(video_practices.c.video_id)
                         .where(video_practices.c.practice_id == practice_id)))
        .options(selectinload(Video.practices), selectinload(Video.owner),
                 selectinload(Video.school))
        .order_by(Video.created_at.desc(), Video.id.desc()).limit(limit)))
