"""The rules for transcripts: who may read them, and what the owner may change."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..accounts.models import User
from ..errors import Conflict
from ..media.storage import ObjectNotFound
from ..transaction import after_commit, commit
from ..videos.captions import store_captions
from ..videos.events import video_details_changed
from ..videos.models import Video
from ..videos.services import get_managed_video, get_video
from ..videos.storage_access import media_storage
from .cues import read_cues as parse_cues
from .cues import replace_cue_texts
from .jobs import (
    TranscriptStatus,
    save_auto_captions_file,
    transcribe_later,
    whisper_model_dir,
)


def transcripts_available() -> bool:
    """Whether this server can make automatic transcripts (its model is installed)."""
    return whisper_model_dir() is not None


def captions_text(video: Video) -> str | None:
    """The video's stored WebVTT, or None when it has none (or the file is gone)."""
    if not video.captions_key:
        return None
    try:
        return media_storage().read_bytes(video.captions_key).decode("utf-8-sig")
    except ObjectNotFound:
        return None


def captions_version(vtt_text: str | None) -> str:
    """A short fingerprint of the captions, so an editor can tell it saves over what it read."""
    return hashlib.sha256((vtt_text or "").encode("utf-8")).hexdigest()[:16]


def read_cues(viewer: User, video_id: int) -> list[dict]:
    """The cues of a video the viewer may watch ([] without captions); NotFound otherwise."""
    video = get_video(viewer, video_id)
    text = captions_text(video)
    return parse_cues(text) if text else []


def set_auto_transcripts(actor: User, video_id: int, enabled: bool) -> Video:
    """Switch automatic transcripts on or off for a video the actor manages.

    Off removes existing automatic captions (from the player and, through reindexing, from
    search) and no transcript is made; on queues one when the video is playable.
    """
    video = get_managed_video(actor, video_id)
    video.auto_transcripts = enabled
    if enabled:
        if video.transcript_status == TranscriptStatus.OFF:
            video.transcript_status = TranscriptStatus.NONE
        if video.is_ready:
            transcribe_later(video)
    else:
        video.transcript_status = TranscriptStatus.OFF
        video.transcript_progress = 0
        video.transcript_error = None
        if video.captions_source == "auto":
            after_commit(media_storage().delete, video.captions_key)
            video.captions_key = None
            video.captions_source = None
            video.captions_language = None
            video_details_changed(video)
    commit()
    return video


def retranscribe(actor: User, video_id: int) -> Video:
    """Make the automatic transcript again (replacing any corrections to the current one)."""
    video = get_managed_video(actor, video_id)
    if not video.auto_transcripts:
        raise Conflict("Automatic transcripts are switched off for this video.")
    if video.captions_source == "uploaded":
        raise Conflict("This video uses captions you uploaded; they are never replaced by an "
                       "automatic transcript.")
    if video.transcript_status in (TranscriptStatus.QUEUED, TranscriptStatus.PROCESSING):
        raise Conflict("A transcript is being made for this video right now.")
    if not video.is_ready:
        raise Conflict("The video is not ready yet; its transcript follows when it is.")
    if not transcripts_available():
        raise Conflict("Transcripts are unavailable on this server.")
    transcribe_later(video, force=True)
    commit()
    return video


def update_cue_texts(actor: User, video_id: int, texts: Mapping[int, str],
                     expected_version: str | None = None) -> Video:
    """Correct the text of some cues (plain text; timings kept) of a managed video.

    With `expected_version`, Conflict when the captions changed since the editor read them.
    """
    video = get_managed_video(actor, video_id)
    current = captions_text(video)
    if current is None:
        raise Conflict("This video has no captions to edit.")
    if expected_version is not None and expected_version != captions_version(current):
        raise Conflict("The transcript changed while you were editing it. Your changes were "
                       "not saved; open the editor again.")
    if not texts:
        return video
    updated = replace_cue_texts(current, texts)
    # The corrected transcript keeps its source: automatic captions stay labelled as such.
    if video.captions_source == "auto":
        video.captions_key = save_auto_captions_file(video, updated)
    else:
        store_captions(video, updated, source="uploaded")
    video_details_changed(video)
    commit()
    return video


def update_cue_text(actor: User, video_id: int, cue_index: int, text: str) -> Video:
    """Correct the text of one cue, keeping its timing."""
    return update_cue_texts(actor, video_id, {cue_index: text})
