"""Face blur inside the processing job (videos/processing.py).

First run of a video with blur on: find the faces, keep their tracks and thumbnails, and
stop at `review_faces` for the owner to choose which (at most two) stay unblurred; a video
with no faces goes straight on, said so. After the review (or on a reprocess): blur every
other face into a master file in the media store, from which the poster and every rendition
are made. If the detector cannot run, the job fails: a video asked to be blurred is never
published unblurred.
"""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from flask import current_app
from sqlalchemy import delete

from ..db_types import utcnow
from ..extensions import db
from ..media.errors import MediaError
from ..media.faces.blurring import blur_faces
from ..media.faces.detection import DetectionSettings, FoundFace, find_faces, jpeg_bytes
from ..media.probe import ProbeResult
from ..media.profiles import plan_renditions, target_frame_rate
from ..transaction import after_commit, commit
from .events import faces_to_review
from .face_models import FaceTrack
from .models import Video, VideoStatus
from .storage_access import media_storage


def detection_settings() -> DetectionSettings:
    return DetectionSettings(model_path=current_app.config.get("FACE_MODEL"),
                             sample_fps=float(current_app.config["FACE_SAMPLE_FPS"]))


def blurred_source(video: Video, info: ProbeResult, original: Path, workdir: Path,
                   timeout: float, on_progress=None) -> Path | None:
    """The file to make the renditions from, or None when the video now waits for its
    owner's review of the faces found."""
    if video.faces_reviewed_at is None:
        found = find_faces(info, original, detection_settings(), timeout,
                           on_progress=_half(on_progress, 0))
        _replace_tracks(video, found)
        if found:
            video.status = VideoStatus.REVIEW_FACES.value
            video.progress = 0
            video.heartbeat_at = None
            video.worker = None
            faces_to_review(video, len(found))
            commit()
            return None
        video.faces_reviewed_at = utcnow()  # nothing to review: no face was found
        commit()
    to_blur = [track.detections for track in tracks_of(video) if not track.keep]
    if not to_blur:
        return original
    target = workdir / "blurred.mp4"
    largest = max(plan_renditions(info), key=lambda plan: plan.width * plan.height)
    # Encoded even where the original could have been copied: its faces are changed.
    largest = replace(largest, mode="encode", frame_rate=target_frame_rate(info))
    blur_faces(info, original, target, to_blur, largest, timeout,
               on_progress=_half(on_progress, 1))
    key = f"{video.media_prefix}blurred.mp4"
    media_storage().save(key, target)
    video.blurred_key = key
    db.session.commit()
    return target


def _half(on_progress, which: int):
    if on_progress is None:
        return None
    return lambda share: on_progress((which + share) / 2)


def tracks_of(video: Video) -> list[FaceTrack]:
    return list(db.session.scalars(
        db.select(FaceTrack).where(FaceTrack.video_id == video.id).order_by(FaceTrack.position)))


def _replace_tracks(video: Video, found: list[FoundFace]) -> None:
    storage = media_storage()
    db.session.execute(delete(FaceTrack).where(FaceTrack.video_id == video.id))
    with tempfile.TemporaryDirectory() as scratch:
        for position, face in enumerate(found, start=1):
            key = f"{video.media_prefix}faces/{position}.jpg"
            picture = Path(scratch) / f"{position}.jpg"
            picture.write_bytes(jpeg_bytes(face.thumbnail))
            storage.save(key, picture)
            db.session.add(FaceTrack(
                video_id=video.id, position=position, first_s=face.track.first_s,
                last_s=face.track.last_s, detections_json=FaceTrack.encode(face.track.detections),
                thumbnail_key=key, keep=False))


def renditions_source_key(video: Video) -> str:
    """Which stored file the renditions come from; a blurred video without its blurred
    master (a store that lost it) fails rather than fall back to the faces."""
    if not video.blur_faces:
        return video.original_key
    if video.faces_reviewed_at is None:
        raise MediaError("The faces found in this video have not been reviewed yet.",
                         "renditions asked for before the face review")
    if any(not track.keep for track in tracks_of(video)):
        if not video.blurred_key:
            raise MediaError("The video with faces blurred is missing. Try Reprocess.",
                             "blur_faces is on but blurred_key is empty")
        return video.blurred_key
    return video.original_key


def forget_faces(video: Video) -> None:
    """Blur switched on again or off: the tracks, thumbnails and master go (after commit)."""
    db.session.execute(delete(FaceTrack).where(FaceTrack.video_id == video.id))
    keys = [video.blurred_key] if video.blurred_key else []
    prefix = f"{video.media_prefix}faces/"
    video.blurred_key = None
    video.faces_reviewed_at = None
    after_commit(_delete_objects, keys, prefix)


def _delete_objects(keys: list[str], prefix: str) -> None:
    storage = media_storage()
    for key in keys:
        storage.delete(key)
    storage.delete_prefix(prefix)
