"""Captions: uploaded .vtt or .srt files, stored as WebVTT beside the video."""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from ..errors import Invalid
from .models import Video
from .storage_access import media_storage

MAX_CAPTION_BYTES = 2 * 1024 * 1024


def parse_captions(filename: str, data: bytes) -> str:
    """WebVTT text from an uploaded .vtt or .srt file, or Invalid with the reason."""
    extension = Path(filename or "").suffix.lower()
    if extension not in (".vtt", ".srt"):
        raise Invalid("Captions must be a .vtt or .srt file.", {"captions": "Use .vtt or .srt."})
    if len(data) > MAX_CAPTION_BYTES:
        raise Invalid("The captions file is too large (2 MB at most).",
                      {"captions": "2 MB at most."})
    try:
        text = data.decode("utf-8-sig")
        captions = webvtt.from_buffer(io.BytesIO(text.encode("utf-8")), format=extension[1:])
    except (UnicodeDecodeError, MalformedFileError, ValueError) as error:
        raise Invalid("The captions file could not be read: it is not valid "
                      f"{extension[1:].upper()}.", {"captions": "Not a valid captions file."}) from error
    if not captions.captions:
        raise Invalid("The captions file has no cues.", {"captions": "No cues found."})
    return captions.content


def captions_key(video: Video) -> str:
    return f"{video.media_prefix}captions.vtt"


def store_captions(video: Video, vtt_text: str, *, source: str) -> None:
    """Save WebVTT text as the video's captions (not committed)."""
    handle, temp_name = tempfile.mkstemp(suffix=".vtt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(vtt_text)
        key = captions_key(video)
        media_storage().save(key, temp_name)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    video.captions_key = key
    video.captions_source = source
    video.captions_reviewed = source == "uploaded"  # the teacher's own file
    video.captions_language = None  # a file's language is not known; the player assumes English


# The languages a district's classrooms most often speak; any other shows its code.
_LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "zh": "Chinese", "vi": "Vietnamese", "ar": "Arabic",
    "tl": "Tagalog", "ko": "Korean", "ru": "Russian", "fr": "French", "ht": "Haitian Creole",
    "pt": "Portuguese", "hi": "Hindi", "so": "Somali", "ur": "Urdu", "uk": "Ukrainian",
    "de": "German", "ja": "Japanese", "pl": "Polish", "it": "Italian", "fa": "Persian",
}


def caption_track(video: Video) -> tuple[str, str]:
    """The player's (srclang, label) for the video's captions."""
    code = video.captions_language or "en"
    label = _LANGUAGE_NAMES.get(code, f"Captions ({code})")
    if video.captions_source == "auto" and not video.captions_reviewed:
        return code, f"{label} (auto-generated, not yet reviewed)"
    return code, label
