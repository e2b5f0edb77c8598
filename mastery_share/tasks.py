"""The Huey instance and background jobs.

Huey needs its instance when tasks are declared, so it is built from the environment at
import: SQLite in the data dir by default, Redis when MASTERY_QUEUE_URL is redis://.
Tasks take plain values or ids, never ORM objects, and run inside an app context.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from flask import Flask, has_app_context
from huey import Huey, PriorityRedisHuey, SqliteHuey, crontab

_worker_app: Flask | None = None


def build_huey(queue_url: str | None, data_dir: str) -> Huey:
    url = queue_url or f"sqlite:///{Path(data_dir) / 'queue.db'}"
    if url.startswith(("redis://", "rediss://")):
        # Transcription is enqueued with a lower priority than processing; Huey's plain Redis
        # storage refuses priorities, so every job would fail on a scaled-out install.
        return PriorityRedisHuey("mastery-share", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("mastery-share", filename=str(path))
    raise ValueError(f"MASTERY_QUEUE_URL must be sqlite:///PATH or redis://…, not {url!r}")


huey = build_huey(
    os.environ.get("MASTERY_QUEUE_URL"),
    os.environ.get("MASTERY_DATA_DIR") or "instance",
)


def use_app_for_worker(app: Flask) -> None:
    global _worker_app
    _worker_app = app


def _app_for_worker() -> Flask:
    global _worker_app
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    return _worker_app


def _in_app_context(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return function(*args, **kwargs)
        with _app_for_worker().app_context():
            return function(*args, **kwargs)

    return wrapper


def app_task(**task_options):
    """A Huey task that runs in an app context (the worker's own app when none is pushed)."""

    def decorate(function):
        return huey.task(**task_options)(_in_app_context(function))

    return decorate


def app_periodic_task(schedule):
    def decorate(function):
        return huey.periodic_task(schedule)(_in_app_context(function))

    return decorate


@app_task(retries=5, retry_delay=30)
def deliver_mail(mail) -> None:
    from .mail import send_mail

    send_mail(mail)


@app_task(retries=3, retry_delay=30)
def booking_made_mail(booking_id: int, status: str) -> None:
    """The visitor's and the host's mail about a new booking (and principals' for approval)."""
    from .visits.notifications import send_booking_made

    send_booking_made(booking_id, status)


# Priorities: what a teacher waits for first (a new upload becoming playable), then the
# larger sizes of playable videos, then transcripts. The last two run in background slots
# (job_slots.py): one consumer thread is always free for a new upload.
PLAYABLE_FIRST, HIGHER_RENDITIONS, TRANSCRIPTS = 20, 10, -10


@app_task(priority=PLAYABLE_FIRST)
def process_video_task(video_id: int) -> None:
    """Make one video playable; a transient failure is tried again later with backoff."""
    from .extensions import db
    from .videos.models import Video, VideoStatus
    from .videos.processing import process_video, retry_delay_s

    try:
        process_video(video_id)
    except Exception:
        video = db.session.get(Video, video_id)
        if video is not None and video.status == VideoStatus.QUEUED.value and not huey.immediate:
            process_video_task.schedule((video_id,), delay=retry_delay_s(video.attempts))
        raise


@app_task(priority=HIGHER_RENDITIONS)
def encode_higher_renditions_task(video_id: int) -> None:
    """The sizes above the first playable one; a transient failure is tried again later."""
    from .job_slots import background_slot
    from .videos.higher_renditions import encode_higher_renditions
    from .videos.processing import retry_delay_s

    with background_slot():
        try:
            encode_higher_renditions(video_id)
        except Exception:
            if not huey.immediate:
                encode_higher_renditions_task.schedule((video_id,), delay=retry_delay_s(1))
            raise


def requeue_stalled_videos() -> int:
    """Give work abandoned by a dead worker back to the queue; returns how many videos."""
    from datetime import timedelta

    from flask import current_app

    from .transcripts.jobs import requeue_stalled_transcripts
    from .videos.higher_renditions import (
        release_higher_renditions,
        stalled_higher_renditions,
    )
    from .videos.processing import release_stalled, stalled_videos

    stale_after = timedelta(seconds=current_app.config["PROCESSING_STALE_AFTER_S"])
    videos = stalled_videos(stale_after)
    for video in videos:
        release_stalled(video)
        process_video_task(video.id)
    playable = stalled_higher_renditions(stale_after)
    for video in playable:
        release_higher_renditions(video)
        encode_higher_renditions_task(video.id)
    requeue_stalled_transcripts(stale_after)
    return len(videos) + len(playable)


@app_periodic_task(crontab(minute="*"))
def sweep_stalled_videos() -> None:
    requeue_stalled_videos()


@app_periodic_task(crontab(minute="17"))
def purge_expired_uploads_hourly() -> None:
    from .videos.uploads import purge_expired_uploads

    purge_expired_uploads()


@app_task(retries=3, retry_delay=5)
def apply_search_queue() -> None:
    """Bring the search index up to date with the queued changes (one writer at a time)."""
    from .search.indexing import apply_queue

    apply_queue()


@app_task()
def rebuild_search_index() -> None:
    """Rebuild a missing or damaged search index from the database (once, however many
    searches asked for it)."""
    from .search.indexing import rebuild_index_if_unusable

    rebuild_index_if_unusable()


# Lowest: a video becomes watchable, in every size, before anything is transcribed.
@app_task(priority=TRANSCRIPTS)
def transcribe_video_task(video_id: int) -> None:
    from .job_slots import background_slot
    from .transcripts.jobs import transcribe_video

    with background_slot():
        transcribe_video(video_id)


@app_periodic_task(crontab(minute="5,35"))
def send_visit_mail() -> None:
    """The day-before reminders and the after-visit reflection prompts."""
    from .visits.reminders import request_reflections, send_visit_reminders

    send_visit_reminders()
    request_reflections()


@app_periodic_task(crontab(minute="10,40"))
def send_try_reminders_task() -> None:
    """Ask teachers to check in when a try's date arrives, and to share back after."""
    from .tries.reminders import send_try_reminders

    send_try_reminders()


@app_periodic_task(crontab(minute="*"))
def send_comment_digests_task() -> None:
    """Mail video owners about new comments, and the people in a conversation about its
    replies, several arriving within minutes in one message."""
    from .comments.notifications import send_comment_digests
    from .comments.thread_mail import send_reply_digests

    send_comment_digests()
    send_reply_digests()


@app_periodic_task(crontab(minute="23"))
def send_weekly_digests_task() -> None:
    """Hourly, so each school gets its digest on Monday morning in its own time zone."""
    from .notifications.digest import send_weekly_digests

    send_weekly_digests()
