"""Who may watch a video: one rule, used by every list, search, feed and media URL."""
from __future__ import annotations

from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import User
from .models import Video, VideoStatus, Visibility


def visible_to(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause selecting the videos `user` may watch."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    network = Video.visibility == Visibility.NETWORK.value
    if user.is_admin:
        return or_(Video.district_id == user.district_id, network)
    return or_(
        Video.owner_id == user.id,
        network,
        and_(Video.visibility == Visibility.DISTRICT.value, Video.district_id == user.district_id),
        and_(Video.visibility == Visibility.SCHOOL.value, Video.school_id == user.school_id),
    )


def ready_among(video_ids) -> ColumnElement[bool]:
    """A WHERE clause for the ready videos among `video_ids`, looked up by those ids.

    SQLite without table statistics guesses that an equality on an indexed column finds a
    handful of rows, so `status = 'ready'` sent it down ix_videos_status_visibility through
    every ready video (10,000 in a district) to find a search page's twelve; `status || ''`
    is the same test on an expression no index serves, so the ids lead."""
    return and_(Video.id.in_(video_ids), Video.status.concat("") == VideoStatus.READY.value)


def can_view(user: User | None, video: Video) -> bool:
    """The same rule as visible_to, for one loaded video."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if video.visibility == Visibility.NETWORK.value or video.owner_id == user.id:
        return True
    if user.is_admin:
        return video.district_id == user.district_id
    if video.visibility == Visibility.DISTRICT.value:
        return video.district_id == user.district_id
    if video.visibility == Visibility.SCHOOL.value:
        return video.school_id == user.school_id
    return False


def can_manage(user: User | None, video: Video) -> bool:
    """Edit, delete, reprocess: the owner, or an admin of the video's district."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return video.owner_id == user.id or (user.is_admin and video.district_id == user.district_id)


def watchable(user: User | None, videos) -> list[Video]:
    """The videos shown by reference (a slot's linked videos, a spark, a mail) that `user` may
    watch, in their order: the others are never named, only counted by the caller."""
    return [video for video in videos if can_view(user, video)]
