"""The owner's review of the faces found in a video before it is published.

Only the owner: the thumbnails show faces unblurred, and which adults stay recognisable is
the choice of the teacher who filmed them. Admins manage the video but never see the faces.
"""
from __future__ import annotations

from ..accounts.models import User
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..jobs import enqueue
from ..transaction import after_commit, commit
from .face_blur import tracks_of
from .face_models import MAX_KEPT_FACES, FaceTrack
from .models import Video, VideoStatus
from .processing import PROCESS_JOB
from .visibility import can_view


def _owned_video(actor: User, video_id: int) -> Video:
    video = db.session.get(Video, video_id)
    if video is None or not can_view(actor, video):
        raise NotFound("No such video, or you cannot watch it.")
    if video.owner_id != actor.id:
        raise Forbidden("Only the teacher who shared this video sees the faces found in it.")
    return video


def faces_for_review(actor: User, video_id: int) -> tuple[Video, list[FaceTrack]]:
    video = _owned_video(actor, video_id)
    return video, tracks_of(video)


def review_faces(actor: User, video_id: int, keep_ids: list[int]) -> Video:
    """Keep the chosen faces (at most two) unblurred, blur the rest, and publish."""
    video = _owned_video(actor, video_id)
    if video.status != VideoStatus.REVIEW_FACES.value:
        raise Conflict("This video has no faces waiting for your review.")
    tracks = tracks_of(video)
    wanted = set(keep_ids)
    if wanted - {track.id for track in tracks}:
        raise Invalid("Choose faces found in this video.", {"keep": "Unknown face."})
    if len(wanted) > MAX_KEPT_FACES:
        raise Invalid(f"Keep at most {MAX_KEPT_FACES} faces unblurred: yours and a "
                      "co-teacher's. Every student's face is blurred.",
                      {"keep": f"Choose at most {MAX_KEPT_FACES}."})
    for track in tracks:
        track.keep = track.id in wanted
    video.faces_reviewed_at = utcnow()
    video.status = VideoStatus.QUEUED.value
    video.progress = 0
    after_commit(enqueue, PROCESS_JOB, video.id)
    commit()
    return video


def thumbnail_key(actor: User, video_id: int, track_id: int) -> str:
    video = _owned_video(actor, video_id)
    track = db.session.get(FaceTrack, track_id)
    if track is None or track.video_id != video.id:
        raise NotFound("No such face in this video.")
    return track.thumbnail_key
