"""What the collection page, PLC mode and the agenda show of each item, for one viewer.

An item whose video was deleted, made private, or is otherwise not watchable by the viewer
is shown as unavailable: its note and prompt stay, but never the video's title, poster or
media URLs. Media URLs are signed for the viewer (videos.playback.player_context).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from ..videos.models import Video
from ..videos.playback import player_context
from ..videos.visibility import can_view
from .models import Collection, CollectionItem

UNAVAILABLE = "This video is no longer available"


def clock(seconds: float | None) -> str:
    """m:ss (or h:mm:ss) for clip times on pages and the printed agenda."""
    total = int(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class ItemView:
    item: CollectionItem
    video: Video | None  # None when the viewer may not see it
    player: dict = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.video is not None

    @property
    def playable(self) -> bool:
        return bool(self.player.get("sources"))

    @property
    def start_s(self) -> float:
        return self.item.start_s or 0.0

    @property
    def end_s(self) -> float | None:
        if self.item.end_s is not None:
            return self.item.end_s
        return self.video.duration_s if self.video is not None else None

    @property
    def clip_label(self) -> str:
        """"0:05–1:30", "from 0:05", or "whole video"."""
        item = self.item
        if item.start_s is None and item.end_s is None:
            return "whole video"
        if item.end_s is None:
            return f"from {clock(item.start_s)}"
        return f"{clock(item.start_s)}–{clock(item.end_s)}"

    @property
    def clip_length_s(self) -> float | None:
        end = self.end_s
        return None if end is None else max(0.0, end - self.start_s)


def load_items(collection_id: int) -> list[CollectionItem]:
    """The items in order with their videos, in a fixed number of queries."""
    return list(db.session.scalars(
        select(CollectionItem).where(CollectionItem.collection_id == collection_id)
        .options(selectinload(CollectionItem.video).selectinload(Video.renditions),
                 selectinload(CollectionItem.video).selectinload(Video.owner),
                 selectinload(CollectionItem.video).selectinload(Video.school))
        .order_by(CollectionItem.position)))


def item_views(viewer: User, collection: Collection, *, with_player: bool = False) -> list[ItemView]:
    """Each item as the viewer may see it; signed player URLs only when asked for."""
    views = []
    for item in load_items(collection.id):
        video = item.video if item.video is not None and can_view(viewer, item.video) else None
        player = player_context(viewer, video) if (with_player and video is not None
                                                   and video.is_ready) else {}
        views.append(ItemView(item=item, video=video, player=player))
    return views


def total_clip_seconds(views: list[ItemView]) -> float:
    """The watching time of the available clips, for the agenda's header."""
    return sum(view.clip_length_s or 0 for view in views if view.available)
