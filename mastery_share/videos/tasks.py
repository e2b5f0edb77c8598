"""The videos' background jobs: make a video playable, then its larger sizes; sweep work a
dead worker left; purge abandoned uploads.

Priorities: what a teacher waits for first (a new upload becoming playable), then the larger
sizes of playable videos, then transcripts (transcripts/tasks.py). The last two run in
background slots (job_slots.py): one consumer thread is always free for a new upload.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from huey import crontab

from ..extensions import db
from ..job_slots import background_slot
from ..jobs import enqueue, enqueue_later, huey, job, periodic_job
from ..transcripts.jobs import requeue_stalled_transcripts
from .higher_renditions import (
    encode_higher_renditions,
    release_higher_renditions,
    stalled_higher_renditions,
)
from .models import Video, VideoStatus
from .processing import (
    LARGER_SIZES_JOB,
    PROCESS_JOB,
    process_video,
    release_stalled,
    retry_delay_s,
    stalled_videos,
)
from .retention import apply_retention
from .uploads import purge_expired_uploads

PLAYABLE_FIRST, HIGHER_RENDITIONS = 20, 10
PROCESS, LARGER_SIZES = PROCESS_JOB, LARGER_SIZES_JOB


@job(PROCESS, priority=PLAYABLE_FIRST)
def process_video_job(video_id: int) -> None:
    """Make one video playable; a transient failure is tried again later with backoff."""
    try:
        process_video(video_id)
    except Exception:
        video = db.session.get(Video, video_id)
        if video is not None and video.status == VideoStatus.QUEUED.value and not huey.immediate:
            enqueue_later(PROCESS, (video_id,), retry_delay_s(video.attempts))
        raise


@job(LARGER_SIZES, priority=HIGHER_RENDITIONS)
def encode_higher_renditions_job(video_id: int) -> None:
    """The sizes above the first playable one; a transient failure is tried again later."""
    with background_slot():
        try:
            encode_higher_renditions(video_id)
        except Exception:
            if not huey.immediate:
                enqueue_later(LARGER_SIZES, (video_id,), retry_delay_s(1))
            raise


def requeue_stalled_videos() -> int:
    """Give work abandoned by a dead worker back to the queue; returns how many videos."""
    stale_after = timedelta(seconds=current_app.config["PROCESSING_STALE_AFTER_S"])
    videos = stalled_videos(stale_after)
    for video in videos:
        release_stalled(video)
        enqueue(PROCESS, video.id)
    playable = stalled_higher_renditions(stale_after)
    for video in playable:
        release_higher_renditions(video)
        enqueue(LARGER_SIZES, video.id)
    requeue_stalled_transcripts(stale_after)
    return len(videos) + len(playable)


@periodic_job("videos.sweep_stalled", crontab(minute="*"))
def sweep_stalled_videos() -> None:
    requeue_stalled_videos()


@periodic_job("videos.retention", crontab(minute="41"))
def apply_retention_hourly() -> None:
    """Owners told 14 days ahead; videos and originals past their end deleted."""
    apply_retention()


@periodic_job("videos.purge_expired_uploads", crontab(minute="17"))
def purge_expired_uploads_hourly() -> None:
    purge_expired_uploads()
