"""What the index knows about a video, built from the database and the stored captions."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import webvtt
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from webvtt.errors import MalformedFileError

from ..extensions import db
from ..media.storage import StorageError
from ..transcripts.cues import timed_words
from ..videos.models import Video, VideoStatus
from ..videos.storage_access import media_storage
from .backend import Cue, VideoDocument

log = logging.getLogger(__name__)
_REBUILD_BATCH = 200


def _loading_options():
    return (selectinload(Video.practices), selectinload(Video.owner), selectinload(Video.school))


def video_document(video: Video) -> VideoDocument:
    """The allowlisted fields of a video (and its caption cues) for the index."""
    return VideoDocument(
        video_id=video.id, title=video.title, description=video.description or "",
        practice_slugs=tuple(practice.slug for practice in video.practices),
        practice_names=tuple(practice.name for practice in video.practices),
        grade_band=video.grade_band, subject=video.subject, school_id=video.school_id,
        school_name=video.school.name, teacher_name=video.owner.name,
        visibility=video.visibility, owner_id=video.owner_id, district_id=video.district_id,
        created_at=video.created_at, cues=caption_cues(video), level=video.level,
    )


def caption_cues(video: Video) -> tuple[Cue, ...]:
    """The video's caption cues; none when it has no captions or they cannot be read
    (the video stays findable by its details)."""
    if not video.captions_key:
        return ()
    try:
        data = media_storage().read_bytes(video.captions_key)
        captions = webvtt.from_buffer(io.BytesIO(data), format="vtt")
    except (StorageError, OSError, MalformedFileError, ValueError, UnicodeDecodeError):
        log.warning("Captions of video %s could not be read for search", video.id, exc_info=True)
        return ()
    cues = []
    for caption in captions:
        # To the millisecond (webvtt's start_in_seconds is whole seconds). Cue markup (<v
        # Name>, <i>) is dropped and "&lt;" read as "<": the words as said, as the transcript
        # shows them (snippets escape them again); timestamp tags give each word's time.
        start_s = caption.start_time.in_milliseconds() / 1000
        text, word_starts = timed_words(caption.raw_text, start_s)
        if text:
            cues.append(Cue(start_s=start_s, text=text, word_starts=word_starts))
    return tuple(cues)


def ready_videos(video_ids: list[int]) -> dict[int, Video]:
    """The ready videos among these ids, loaded with what a document needs (no N+1)."""
    videos = db.session.scalars(
        select(Video).where(Video.id.in_(video_ids), Video.status == VideoStatus.READY.value)
        .options(*_loading_options())
    )
    return {video.id: video for video in videos}


def all_video_documents() -> Iterator[VideoDocument]:
    """Every ready video's document, read in id batches so memory stays flat."""
    last_id = 0
    while True:
        videos = list(db.session.scalars(
            select(Video).where(Video.status == VideoStatus.READY.value, Video.id > last_id)
            .options(*_loading_options()).order_by(Video.id).limit(_REBUILD_BATCH)
        ))
        if not videos:
            return
        for video in videos:
            yield video_document(video)
        last_id = videos[-1].id
