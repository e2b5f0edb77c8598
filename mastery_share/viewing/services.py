"""Recording plays, and who may see what of them.

The rule (README, "Who watched, and what it is not for"): a video's owner sees who watched it,
when and for how long, to know whether it reached colleagues; a principal or an admin sees how
many plays and viewers a video had, never who; and nobody sees what another member watched.
The record exists to help teachers share, never to evaluate anyone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..db_types import utcnow
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..transaction import commit
from ..videos.models import Video
from ..videos.services import get_video
from .models import VideoView

LISTED = 50
# A progress report can come a little after the end (the last timeupdate, a beacon on leaving).
_SLACK_S = 5.0


@dataclass(frozen=True)
class ViewCounts:
    plays: int
    viewers: int


def start_view(viewer: User, video_id: int) -> VideoView | None:
    """A member pressed play on a video they may watch; the owner's own plays are not kept."""
    video = get_video(viewer, video_id, with_people=False)
    if video.owner_id == viewer.id:
        return None
    view = VideoView(video_id=video.id, viewer_id=viewer.id)
    db.session.add(view)
    commit()
    return view


def report_watched(viewer: User, view_id: int, watched_s: float) -> VideoView:
    """The seconds played so far in this play: only ever grows, never past the video's end."""
    view = db.session.get(VideoView, view_id)
    if view is None or view.viewer_id != viewer.id:
        raise NotFound("No such play.")
    video = get_video(viewer, view.video_id, with_people=False)  # made private since: nothing more is recorded
    ceiling = (video.duration_s or current_app.config["MAX_VIDEO_SECONDS"]) + _SLACK_S
    view.watched_s = max(view.watched_s, min(max(watched_s, 0.0), ceiling))
    view.last_seen_at = utcnow()
    commit()
    return view


def can_see_counts(actor: User, video: Video) -> bool:
    if video.owner_id == actor.id:
        return True
    if actor.role == Role.ADMIN.value:
        return actor.district_id == video.district_id
    return actor.role == Role.PRINCIPAL.value and actor.school_id == video.school_id


def view_counts(actor: User, video: Video) -> ViewCounts:
    if not can_see_counts(actor, video):
        raise Forbidden("Only the teacher who shared this video and its school's leaders see "
                        "how often it was watched.")
    plays, viewers = db.session.execute(
        select(func.count(VideoView.id), func.count(distinct(VideoView.viewer_id)))
        .where(VideoView.video_id == video.id)).one()
    return ViewCounts(plays=plays, viewers=viewers)


def views_of(actor: User, video_id: int, limit: int = LISTED) -> list[VideoView]:
    """Who watched, newest first: the owner only. Not an admin, not a principal: they see
    counts (view_counts), so that the record cannot become anyone's evaluation."""
    video = get_video(actor, video_id)
    if video.owner_id != actor.id:
        raise Forbidden("Only the teacher who shared this video sees who watched it.")
    return list(db.session.scalars(
        select(VideoView).where(VideoView.video_id == video.id)
        .options(joinedload(VideoView.viewer))
        .order_by(VideoView.started_at.desc(), VideoView.id.desc()).limit(limit)))


def watched_label(seconds: float) -> str:
    """"2:05 watched"; under a second says "opened"."""
    if seconds < 1:
        return "opened"
    whole = timedelta(seconds=int(seconds))
    minutes, rest = divmod(whole.seconds, 60)
    return f"{minutes}:{rest:02d} watched"
