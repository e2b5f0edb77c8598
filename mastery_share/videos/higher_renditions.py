"""The higher renditions job: the sizes above the first playable one, after it.

Queued by the processing job once the video is playable, at a lower priority than any
processing job, and run in a background slot (job_slots.py), so a new upload's first
rendition never waits behind it. It claims the video (its worker and heartbeat, as the
processing job does; the video stays `ready` and playable throughout), so two copies of the
job never encode the same sizes, and a worker that dies inside it is found by the sweep
(`stalled_higher_renditions`) and its sizes made again.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, select, update

from ..db_types import utcnow
from ..extensions import db
from ..media.errors import MediaError
from ..media.profiles import plan_renditions
from ..transaction import commit
from . import processing
from .face_blur import renditions_source_key
from .models import Rendition, Video, VideoStatus

logger = logging.getLogger(__name__)
_UNFINISHED = (VideoStatus.QUEUED.value, VideoStatus.PROCESSING.value)


def _has_unfinished_renditions():
    return exists().where(Rendition.video_id == Video.id, Rendition.status.in_(_UNFINISHED))


def claim_higher_renditions(video_id: int) -> bool:
    """Take the video's unfinished sizes for this worker unless another one has them (or the
    video was deleted, reprocessed, or is finished)."""
    claimed = db.session.execute(
        update(Video)
        .where(Video.id == video_id, Video.status == VideoStatus.READY.value,
               Video.worker.is_(None), _has_unfinished_renditions())
        .values(worker=processing.worker_identity(), heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def encode_higher_renditions(video_id: int) -> None:
    if not claim_higher_renditions(video_id):
        return
    video = db.session.get(Video, video_id)
    media_prefix = video.media_prefix
    workdir = Path(tempfile.mkdtemp(prefix=f"video-{video_id}-higher-",
                                    dir=processing.work_root()))
    try:
        _encode(video, workdir)
    except MediaError as error:
        db.session.rollback()
        if not processing.discard_if_deleted(video_id, media_prefix):
            _give_up(video_id, error.detail or error.reason)
    except Exception:
        db.session.rollback()
        if processing.discard_if_deleted(video_id, media_prefix):
            return
        _release(video_id)
        raise
    else:
        processing.discard_if_deleted(video_id, media_prefix)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _encode(video: Video, workdir: Path) -> None:
    source = processing.local_original(video, workdir, renditions_source_key(video))
    info = processing.probe(source)
    steps = processing.rendition_steps(plan_renditions(info))
    renditions = {rendition.label: rendition for rendition in video.renditions}
    progress = processing.Progress(video, [processing.step_cost(step) for step in steps],
                                   done_steps=1)
    for index, step in enumerate(steps[1:], start=1):
        if all(renditions.get(plan.label) is not None
               and renditions[plan.label].status == VideoStatus.READY.value for plan in step):
            progress.finish_step(index)  # made before a worker died: kept
            continue
        for plan in step:
            renditions[plan.label].attempts = (renditions[plan.label].attempts or 0) + 1
        processing.encode_step(info, source, workdir, step, renditions, progress, index)
        commit()
    video.progress = 100
    video.heartbeat_at = None
    video.worker = None
    commit()


def _give_up(video_id: int, detail: str) -> None:
    """A size that cannot be made: it is `failed`; the video stays playable in the others."""
    video = db.session.get(Video, video_id)
    if video is None:
        return
    for rendition in video.renditions:
        if rendition.status in _UNFINISHED:
            rendition.status = VideoStatus.FAILED.value
            rendition.error_tail = detail[-4000:] or None
    video.progress = 100
    video.heartbeat_at = None
    video.worker = None
    logger.warning("Video %s: its larger sizes could not be made: %s", video_id, detail[-300:])
    commit()


def _release(video_id: int) -> None:
    """A transient failure: the sizes go back to `queued` for a later try, or `failed` once
    their tries are spent."""
    video = db.session.get(Video, video_id)
    if video is None:
        return
    spent = int(current_app.config["PROCESSING_MAX_ATTEMPTS"])
    if any((rendition.attempts or 0) >= spent for rendition in video.renditions
           if rendition.status in _UNFINISHED):
        _give_up(video_id, "Gave up after several tries.")
        return
    release_higher_renditions(video)


def release_higher_renditions(video: Video) -> None:
    """Back to `queued` for another worker (the caller queues the job)."""
    for rendition in video.renditions:
        if rendition.status == VideoStatus.PROCESSING.value:
            rendition.status = VideoStatus.QUEUED.value
            rendition.progress = 0
    video.heartbeat_at = None
    video.worker = None
    video.updated_at = utcnow()  # a lost job is looked for again only after stale_after
    db.session.commit()


def stalled_higher_renditions(stale_after: timedelta) -> list[Video]:
    """Playable videos whose larger sizes a dead worker left unfinished, or whose job was
    lost (nobody has them, and nothing changed for `stale_after`)."""
    cutoff = utcnow() - stale_after
    candidates = db.session.scalars(select(Video).where(
        Video.status == VideoStatus.READY.value, _has_unfinished_renditions())).all()
    return [video for video in candidates
            if (video.worker is None and video.updated_at < cutoff)
            or (video.worker is not None and processing.abandoned(video, cutoff))]
