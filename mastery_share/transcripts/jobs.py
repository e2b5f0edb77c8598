"""The transcript job: after a video is playable, turn its speech into auto-generated captions.

It runs at a lower priority than processing (and stops while a first rendition is encoded
on this machine: speech_process.py), reads the smallest stored rendition (a trusted
MP4 we made), and records its own status on the video (`transcript_status`), never the
video's: a transcript that fails leaves a playable video and a reason for its owner.
Every state change is a conditional update, so switching transcripts off or uploading
captions while the job runs wins over the job's result.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import ffmpeg
from flask import current_app
from sqlalchemy import or_, select, update

from ..db_types import utcnow
from ..extensions import db
from ..jobs import enqueue
from ..media.errors import MediaError
from ..media.formats import file_url, input_options
from ..media.probe import probe
from ..media.runner import run_ffmpeg
from ..transaction import after_commit, commit
from ..urgent_work import urgent_work_running
from ..videos.events import transcript_ready, video_details_changed
from ..videos.models import Video
from ..videos.storage_access import media_storage
from .cues import cues_to_vtt
from .speech import SAMPLE_RATE, model_files_present
from .speech_process import transcribe_file

log = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 1.0
EXTRACT_SHARE = 10  # percent of the progress bar spent extracting the audio
# Whisper base takes ~0.1 s per second of audio here; a hung speech process ends the job.
SPEECH_TIMEOUT_MIN_S = 600.0
SPEECH_TIMEOUT_PER_S = 2.0


TRANSCRIBE = "transcripts.transcribe"  # the job (tasks.py)


class TranscriptStatus:
    NONE = "none"
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    SILENT = "silent"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"
    OFF = "off"


class _Cancelled(Exception):
    """The owner switched transcripts off (or the job was re-queued) while it ran."""


def whisper_model_dir() -> Path | None:
    """The configured model directory when it holds a usable model, else None."""
    configured = current_app.config.get("WHISPER_MODEL")
    return Path(configured) if model_files_present(configured) else None


def auto_captions_key(video: Video) -> str:
    # Apart from the uploaded captions' key, so a transcript finishing at the moment the
    # owner uploads a file can never overwrite the uploaded file.
    return f"{video.media_prefix}captions-auto.vtt"


def transcribe_later(video: Video, *, force: bool = False) -> None:
    """Decide whether the video gets a transcript and queue the job after the commit.

    Nothing is queued when transcripts are off for the video, when uploaded captions exist,
    when automatic captions already exist (unless `force`), or when the server has no model.
    """
    if not video.auto_transcripts:
        video.transcript_status = TranscriptStatus.OFF
        return
    if video.captions_source == "uploaded" or (video.captions_source == "auto" and not force):
        return
    if whisper_model_dir() is None:
        video.transcript_status = TranscriptStatus.UNAVAILABLE
        return
    video.transcript_status = TranscriptStatus.QUEUED
    video.transcript_progress = 0
    video.transcript_error = None
    after_commit(_enqueue, video.id)


def _enqueue(video_id: int) -> None:
    enqueue(TRANSCRIBE, video_id)


def requeue_stalled_transcripts(stale_after: timedelta) -> int:
    """Give back to the queue the transcripts a dead worker left `processing`: a live job
    touches the video (progress) far more often than `stale_after`."""
    cutoff = utcnow() - stale_after
    stalled = db.session.scalars(select(Video.id).where(
        Video.transcript_status == TranscriptStatus.PROCESSING, Video.updated_at < cutoff)).all()
    requeued = []
    for video_id in stalled:
        released = db.session.execute(
            update(Video)
            .where(Video.id == video_id, Video.transcript_status == TranscriptStatus.PROCESSING,
                   Video.updated_at < cutoff)
            .values(transcript_status=TranscriptStatus.QUEUED, transcript_progress=0)
            .execution_options(synchronize_session=False)
        ).rowcount
        if released:
            requeued.append(video_id)
            after_commit(_enqueue, video_id)
    commit()
    return len(requeued)


def _claim(video_id: int) -> bool:
    claimed = db.session.execute(
        update(Video)
        .where(Video.id == video_id, Video.transcript_status == TranscriptStatus.QUEUED)
        .values(transcript_status=TranscriptStatus.PROCESSING, transcript_progress=0,
                transcript_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _set_status_if_processing(video_id: int, status: str, error: str | None = None) -> bool:
    changed = db.session.execute(
        update(Video)
        .where(Video.id == video_id, Video.transcript_status == TranscriptStatus.PROCESSING)
        .values(transcript_status=status, transcript_error=error,
                transcript_progress=100 if status != TranscriptStatus.NONE else 0)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed == 1


def transcribe_video(video_id: int) -> None:
    """Run the transcript job for one video; whatever happens, the video itself is untouched."""
    if not _claim(video_id):
        return  # switched off, deleted, or another worker has it
    workdir = Path(tempfile.mkdtemp(prefix=f"transcript-{video_id}-", dir=_work_root()))
    try:
        _transcribe(video_id, workdir)
    except _Cancelled:
        db.session.rollback()
    except MediaError as error:
        db.session.rollback()
        log.warning("transcript of video %s failed: %s\n%s", video_id, error.reason,
                    error.detail)
        _set_status_if_processing(video_id, TranscriptStatus.FAILED,
                                  f"The sound of the video could not be read: {error.reason}")
    except Exception:
        db.session.rollback()
        log.exception("transcript of video %s failed", video_id)
        _set_status_if_processing(
            video_id, TranscriptStatus.FAILED,
            "The automatic transcript could not be made because of an error on our side. "
            "Try again later, or upload a captions file.")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _work_root() -> Path:
    root = Path(current_app.config["DATA_DIR"]) / "work"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _transcribe(video_id: int, workdir: Path) -> None:
    video = db.session.get(Video, video_id)
    model_dir = whisper_model_dir()
    if model_dir is None:
        _set_status_if_processing(video_id, TranscriptStatus.UNAVAILABLE)
        return
    if not video.auto_transcripts or video.captions_source == "uploaded":
        _set_status_if_processing(video_id, TranscriptStatus.NONE)
        return
    renditions = sorted(video.playable_renditions, key=lambda rendition: rendition.height)
    if not renditions:
        # Being processed again: becoming playable queues the transcript once more.
        _set_status_if_processing(video_id, TranscriptStatus.NONE)
        return
    source = _local_rendition(renditions[0].storage_key, workdir)
    info = probe(source)
    if not info.has_audio:
        _set_status_if_processing(video_id, TranscriptStatus.SILENT)
        return
    progress = _ProgressWriter(video_id)
    audio = workdir / "speech.pcm"
    run_ffmpeg(_extract_audio_args(info.demuxer, source, audio),
               timeout=max(120.0, (info.duration_s or 60) * 2), duration_s=info.duration_s,
               on_progress=lambda percent: progress(percent * EXTRACT_SHARE // 100))
    data_dir = current_app.config["DATA_DIR"]
    # In a speech process that stops while a first playable rendition is encoded here.
    transcript = transcribe_file(
        model_dir, audio,
        on_progress=lambda done: progress(EXTRACT_SHARE + int(done * (99 - EXTRACT_SHARE))),
        may_run=lambda: not urgent_work_running(data_dir),
        timeout_s=max(SPEECH_TIMEOUT_MIN_S, (info.duration_s or 60) * SPEECH_TIMEOUT_PER_S))
    if not transcript.cues:
        _set_status_if_processing(video_id, TranscriptStatus.SILENT)
        return
    _store_auto_captions(video, cues_to_vtt(transcript.cues), transcript.language)


def _local_rendition(key: str, workdir: Path) -> Path:
    storage = media_storage()
    local = storage.local_path(key)
    if local is not None:
        return local
    target = workdir / Path(key).name
    with storage.open(key) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, length=1024 * 1024)
    return target


def _extract_audio_args(demuxer: str, source: Path, out: Path) -> list[str]:
    """The first audio track as raw 16 kHz mono 16-bit samples: what Whisper listens to."""
    stream = ffmpeg.input(file_url(source), **input_options(demuxer))["a:0"]
    output = ffmpeg.output(stream, file_url(out), format="s16le",
                           **{"c:a": "pcm_s16le", "ac": 1, "ar": SAMPLE_RATE})
    return ["-y", *output.get_args()]


class _ProgressWriter:
    """Writes the transcript's progress at most once a second; stops the job when the
    owner switched transcripts off meanwhile."""

    def __init__(self, video_id: int):
        self.video_id = video_id
        self.last_write = 0.0
        self.last_percent = -1

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if percent <= self.last_percent or now - self.last_write < PROGRESS_WRITE_INTERVAL_S:
            return
        self.last_write, self.last_percent = now, percent
        still_ours = db.session.execute(
            update(Video)
            .where(Video.id == self.video_id,
                   Video.transcript_status == TranscriptStatus.PROCESSING)
            .values(transcript_progress=min(99, percent))
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if still_ours != 1:
            raise _Cancelled()


def save_auto_captions_file(video: Video, vtt_text: str) -> str:
    """Store automatic captions under their own key; returns the key (nothing committed)."""
    key = auto_captions_key(video)
    with tempfile.TemporaryDirectory(dir=_work_root()) as folder:
        path = Path(folder) / "captions-auto.vtt"
        path.write_text(vtt_text, encoding="utf-8")
        media_storage().save(key, path)
    return key


def _store_auto_captions(video: Video, vtt_text: str, language: str | None) -> None:
    video_id = video.id
    key = save_auto_captions_file(video, vtt_text)
    storage = media_storage()
    stored = db.session.execute(
        update(Video)
        .where(Video.id == video_id, Video.transcript_status == TranscriptStatus.PROCESSING,
               Video.auto_transcripts.is_(True),
               or_(Video.captions_source.is_(None), Video.captions_source == "auto"))
        .values(captions_key=key, captions_source="auto", captions_language=language,
                captions_reviewed=False, transcript_status=TranscriptStatus.DONE,
                transcript_progress=100, transcript_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if stored == 1:
        video = db.session.get(Video, video_id, populate_existing=True)
        video_details_changed(video)
        transcript_ready(video)
        commit()
        return
    db.session.rollback()
    # Switched off or replaced by uploaded captions meanwhile: theirs stand, ours go.
    _set_status_if_processing(video_id, TranscriptStatus.NONE)
    current = db.session.get(Video, video_id, populate_existing=True)
    if current is None or current.captions_key != key:
        storage.delete(key)
