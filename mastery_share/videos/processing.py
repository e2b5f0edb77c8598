"""The processing job: probe, validate, poster, the smallest rendition, store, `ready`.

It is the job a teacher waits for, so it does no more than make the video playable; the
higher renditions are a job of their own at a lower priority (higher_renditions.py), so a
new upload's first rendition never waits behind another video's larger ones. Each state
change is committed as it happens so the video page can show it live, and a heartbeat plus
the worker's identity let a restarted worker pick up work a dead one left.
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from ..db_types import utcnow
from ..extensions import db
from ..jobs import enqueue
from ..media.build_args import build_args, build_ladder_args, build_poster_args
from ..media.errors import MediaError
from ..media.probe import probe
from ..media.profiles import RenditionPlan, plan_renditions
from ..media.runner import run_ffmpeg
from ..media.validate import Limits, validate
from ..transaction import after_commit, commit
from ..urgent_work import UrgentLease
from .events import video_became_playable, video_failed
from .face_blur import blurred_source
from .models import Rendition, Video, VideoStatus
from .storage_access import media_storage

PROGRESS_WRITE_INTERVAL_S = 0.5
# The two jobs of a video (tasks.py): make it playable, then its larger sizes.
PROCESS_JOB, LARGER_SIZES_JOB = "videos.process", "videos.larger_sizes"
logger = logging.getLogger(__name__)


class TransientProcessingError(Exception):
    """Worth another try later (storage unreachable, disk full, a crash of ours)."""


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _limits() -> Limits:
    return Limits(max_duration_s=float(current_app.config["MAX_VIDEO_SECONDS"]))


def ffmpeg_timeout(duration_s: float | None) -> float:
    # Generous: several times real time on 2 cores, never less than two minutes.
    return max(120.0, (duration_s or 60) * float(current_app.config["FFMPEG_TIMEOUT_FACTOR"]))


def claim_video(video_id: int) -> bool:
    """Mark the video `processing` for this worker unless another live worker has it."""
    claimed = db.session.execute(
        update(Video)
        .where(Video.id == video_id, Video.status == VideoStatus.QUEUED.value)
        .values(status=VideoStatus.PROCESSING.value, heartbeat_at=utcnow(),
                worker=worker_identity(), attempts=Video.attempts + 1, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


class Progress:
    """Turns per-step ffmpeg percentages into one 0-100 figure on the video, throttled."""

    def __init__(self, video: Video, costs: list[float], done_steps: int = 0):
        self.video = video
        self.costs = costs
        self.total = sum(costs) or 1.0
        self.done = sum(costs[:done_steps])
        self.last_write = 0.0

    @property
    def percent(self) -> int:
        return min(99, int(self.done / self.total * 100))

    def step(self, index: int, rendition: Rendition | None):
        def report(percent: int) -> None:
            now = time.monotonic()
            if percent < 100 and now - self.last_write < PROGRESS_WRITE_INTERVAL_S:
                return
            self.last_write = now
            overall = (self.done + self.costs[index] * percent / 100) / self.total
            self.video.progress = min(99, int(overall * 100))
            self.video.heartbeat_at = utcnow()
            if rendition is not None:
                rendition.progress = percent
            db.session.commit()

        return report

    def finish_step(self, index: int) -> None:
        self.done += self.costs[index]


def process_video(video_id: int) -> None:
    """Run the whole job for one video; MediaError ends it as `failed` with the reason."""
    if not claim_video(video_id):
        return  # deleted, already done, or another worker has it
    video = db.session.get(Video, video_id)
    media_prefix = video.media_prefix
    workdir = Path(tempfile.mkdtemp(prefix=f"video-{video_id}-", dir=work_root()))
    # Until the video is playable, transcriptions on this machine stand still.
    first_playable = UrgentLease(current_app.config["DATA_DIR"], f"video-{video_id}").take()
    try:
        _run_pipeline(video, workdir, first_playable)
    except MediaError as error:
        db.session.rollback()
        if not discard_if_deleted(video_id, media_prefix):
            _fail(video_id, error.reason, error.detail)
    except Exception:
        db.session.rollback()
        if discard_if_deleted(video_id, media_prefix):
            return
        _requeue_for_retry(video_id)
        raise
    else:
        discard_if_deleted(video_id, media_prefix)
    finally:
        first_playable.release()
        shutil.rmtree(workdir, ignore_errors=True)


def discard_if_deleted(video_id: int, media_prefix: str) -> bool:
    """A video deleted while it was processed: its next progress write fails on the missing
    row. That is no error of ours, so the job ends quietly, after removing the files it stored
    since the deletion removed the others."""
    db.session.expire_all()
    if db.session.get(Video, video_id) is not None:
        return False
    media_storage().delete_prefix(media_prefix)
    logger.warning("Video %s was deleted while it was processed; its work is discarded", video_id)
    return True


def work_root() -> Path:
    root = Path(current_app.config["DATA_DIR"]) / "work"
    root.mkdir(parents=True, exist_ok=True)
    return root


def local_original(video: Video, workdir: Path, key: str | None = None) -> Path:
    """The original (or another stored file of the video) as a local file for ffmpeg."""
    key = key or video.original_key
    storage = media_storage()
    local = storage.local_path(key)
    if local is not None:
        return local
    target = workdir / Path(key).name
    with storage.open(key) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, length=1024 * 1024)
    return target


def _heartbeat(video: Video):
    """A progress callback for long steps without a rendition: keeps the heartbeat fresh so
    the sweep does not take the video from a live worker."""
    last = [0.0]

    def beat(_share: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 2.0:
            last[0] = now
            video.heartbeat_at = utcnow()
            db.session.commit()

    return beat


def _run_pipeline(video: Video, workdir: Path, first_playable: UrgentLease) -> None:
    source = local_original(video, workdir)
    info = probe(source)
    validate(info, _limits())
    video.duration_s = info.duration_s
    video.width, video.height = info.display_width, info.display_height
    if video.blur_faces:
        # Every rendition and the poster come from a copy with the faces blurred.
        source = blurred_source(video, info, source, workdir, ffmpeg_timeout(info.duration_s),
                                on_progress=_heartbeat(video))
        if source is None:
            return  # waits for its owner to review the faces found
        info = probe(source)
    plans = plan_renditions(info)
    renditions = _reset_renditions(video, plans)
    db.session.commit()

    timeout = ffmpeg_timeout(info.duration_s)
    poster = workdir / "poster.jpg"
    run_ffmpeg(build_poster_args(info, plans, source, poster), timeout=timeout)
    video.poster_key = f"{video.media_prefix}poster.jpg"
    media_storage().save(video.poster_key, poster)
    db.session.commit()

    # The smallest rendition first and alone: the video is playable as soon as it is stored.
    steps = rendition_steps(plans)
    progress = Progress(video, [step_cost(step) for step in steps])
    encode_step(info, source, workdir, steps[0], renditions, progress, 0)
    video.status = VideoStatus.READY.value
    video_became_playable(video)
    # Before the commit: a transcript job queued by it may run at once in this very thread
    # (Huey's immediate mode), and must not wait for the lease it is inside of.
    first_playable.release()
    video.progress = progress.percent if len(steps) > 1 else 100
    video.heartbeat_at = None
    video.worker = None
    if len(steps) > 1:
        after_commit(_encode_higher_renditions_later, video.id)
    commit()


def _encode_higher_renditions_later(video_id: int) -> None:
    enqueue(LARGER_SIZES_JOB, video_id)


def rendition_steps(plans: list[RenditionPlan]) -> list[list[RenditionPlan]]:
    """The ffmpeg runs: the first rendition alone, the other encodes in one run (one decode
    feeds them all), each stream copy alone."""
    first, rest = plans[0], plans[1:]
    encode_rest = [plan for plan in rest if plan.mode == "encode"]
    remux_rest = [plan for plan in rest if plan.mode == "remux"]
    return [[first], *([encode_rest] if encode_rest else []), *[[plan] for plan in remux_rest]]


def encode_step(info, source: Path, workdir: Path, step: list[RenditionPlan],
                renditions: dict[str, Rendition], progress: Progress, index: int) -> None:
    """One ffmpeg run making the step's renditions, each checked and stored as `ready`."""
    outputs = [workdir / f"{plan.label}.mp4" for plan in step]
    args = (build_args(info, step[0], source, outputs[0]) if len(step) == 1
            else build_ladder_args(info, step, source, outputs))
    tracked = renditions[step[0].label] if len(step) == 1 else None
    for plan in step:
        renditions[plan.label].status = VideoStatus.PROCESSING.value
    db.session.commit()
    run_ffmpeg(args, timeout=ffmpeg_timeout(info.duration_s), duration_s=info.duration_s,
               on_progress=progress.step(index, tracked))
    for plan, output in zip(step, outputs):
        _check_complete(output, info.duration_s)
        _store_rendition(renditions[plan.label], output)
    progress.finish_step(index)


def _check_complete(output: Path, source_duration: float | None) -> None:
    """ffmpeg can exit cleanly on a cut-off file and write a short video: compare lengths."""
    if not source_duration:
        return
    made = probe(output).duration_s or 0.0
    if made < source_duration - max(1.0, source_duration * 0.05):
        raise MediaError(
            "The video seems to be damaged or incomplete: only "
            f"{made:.0f} of its {source_duration:.0f} seconds could be read. "
            "Please upload the original file again.",
            f"output {made:.2f}s vs source {source_duration:.2f}s")


def step_cost(step: list[RenditionPlan]) -> float:
    return sum(plan.width * plan.height * (0.02 if plan.mode == "remux" else 1.0)
               for plan in step)


def _reset_renditions(video: Video, plans: list[RenditionPlan]) -> dict[str, Rendition]:
    wanted = {plan.label for plan in plans}
    for rendition in list(video.renditions):
        if rendition.label not in wanted:
            video.renditions.remove(rendition)
    existing = {rendition.label: rendition for rendition in video.renditions}
    for plan in plans:
        rendition = existing.get(plan.label)
        if rendition is None:
            rendition = Rendition(label=plan.label)
            video.renditions.append(rendition)
            existing[plan.label] = rendition
        rendition.width, rendition.height, rendition.method = plan.width, plan.height, plan.mode
        rendition.status, rendition.progress, rendition.error_tail = VideoStatus.QUEUED.value, 0, None
        rendition.attempts = (rendition.attempts or 0) + 1
    return existing


def _store_rendition(rendition: Rendition, output: Path) -> None:
    key = f"{rendition.video.media_prefix}{rendition.label}.mp4"
    media_storage().save(key, output)
    rendition.storage_key = key
    rendition.bytes = output.stat().st_size
    rendition.status = VideoStatus.READY.value
    rendition.progress = 100


def _fail(video_id: int, reason: str, detail: str = "") -> None:
    video = db.session.get(Video, video_id)
    if video is None:
        return
    video.status = VideoStatus.FAILED.value
    video.error = reason
    video.heartbeat_at = None
    for rendition in video.renditions:
        if rendition.status != VideoStatus.READY.value:
            rendition.status = VideoStatus.FAILED.value
            rendition.error_tail = detail[-4000:] or None
    video_failed(video)
    commit()


def _requeue_for_retry(video_id: int) -> None:
    """A transient failure: back to `queued`, or `failed` once the attempts are spent."""
    video = db.session.get(Video, video_id)
    if video is None:
        return
    if video.attempts >= int(current_app.config["PROCESSING_MAX_ATTEMPTS"]):
        _fail(video_id, "We could not process this video after several tries. "
                        "Try Reprocess later, or contact your admin.")
        return
    video.status = VideoStatus.QUEUED.value
    video.heartbeat_at = None
    db.session.commit()


def retry_delay_s(attempts: int) -> float:
    """Exponential backoff between attempts: 10 s, 20 s, 40 s ..."""
    return 10.0 * (2 ** max(0, attempts - 1))


def stalled_videos(stale_after: timedelta) -> list[Video]:
    """Videos a dead worker left `processing`, and `queued` ones whose job was lost.

    A worker on this machine is dead when its pid is gone; elsewhere, when its heartbeat
    is older than `stale_after`.
    """
    cutoff = utcnow() - stale_after
    candidates = db.session.scalars(select(Video).where(
        or_(Video.status == VideoStatus.PROCESSING.value,
            (Video.status == VideoStatus.QUEUED.value) & (Video.updated_at < cutoff))
    )).all()
    return [video for video in candidates if abandoned(video, cutoff)]


def abandoned(video: Video, cutoff) -> bool:
    if video.status == VideoStatus.QUEUED.value:
        return True
    host, _, pid = (video.worker or "").partition(":")
    if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
        return True
    return video.heartbeat_at is None or video.heartbeat_at < cutoff


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_stalled(video: Video) -> None:
    """Put an abandoned video back in the queue (the caller enqueues its job)."""
    video.status = VideoStatus.QUEUED.value
    video.heartbeat_at = None
    video.worker = None
    db.session.commit()
