"""Audio description (WCAG 2.1 AA, 1.2.5): what a blind colleague would miss in the picture.

The owner writes one line per moment ("0:05 The teacher points to the must-do board"); each
becomes a WebVTT cue of kind "descriptions", lasting until the next line (at most 8 s), which
the player reads aloud with the browser's speech synthesis and shows as text. An extended text
description of the whole video may stand beside it, or instead of it (a media alternative).
"""
from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import webvtt

from ..accounts.models import User
from ..errors import Invalid
from ..forms_support import format_clock, parse_clock
from ..text_fields import text_problem
from ..transaction import after_commit, commit
from ..transcripts.cues import escape_cue_text
from .models import Video
from .services import get_managed_video
from .storage_access import media_storage

MAX_LINE_CHARS = 500
MAX_TEXT_DESCRIPTION = 20_000
LONGEST_CUE_S = 8.0


def parse_description_lines(text: str, duration_s: float | None) -> list[tuple[float, str]]:
    """[(moment, words)] from "m:ss words" lines, in time order; Invalid names the first bad
    line."""
    lines: list[tuple[float, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        moment, _, words = line.partition(" ")
        try:
            seconds = parse_clock(moment)
        except ValueError:
            raise _bad_line(number, "start it with the moment, like 0:05, then the words.")
        words = " ".join(words.split())
        if not words:
            raise _bad_line(number, "say what is seen after the moment.")
        if len(words) > MAX_LINE_CHARS or (problem := text_problem(words)):
            raise _bad_line(number, f"keep it under {MAX_LINE_CHARS} characters of plain text."
                            if len(words) > MAX_LINE_CHARS else problem)
        if duration_s and seconds >= duration_s:
            raise _bad_line(number, f"{format_clock(seconds)} is past the end of the video "
                                    f"({format_clock(duration_s)}).")
        lines.append((seconds, words))
    return sorted(lines)


def _bad_line(number: int, why: str) -> Invalid:
    return Invalid(f"Line {number} of the audio description: {why}",
                   {"lines": f"Line {number}: {why}"})


def descriptions_vtt(lines: list[tuple[float, str]], duration_s: float | None) -> str:
    cues = ["WEBVTT", ""]
    for index, (start, words) in enumerate(lines):
        following = lines[index + 1][0] if index + 1 < len(lines) else None
        end = min(start + LONGEST_CUE_S, following or start + LONGEST_CUE_S,
                  duration_s or start + LONGEST_CUE_S)
        end = max(end, start + 0.5)
        # Escaped: "3 < 5" or "a --> b" would otherwise be markup or end the cue.
        cues += [f"{_vtt_time(start)} --> {_vtt_time(end)}", escape_cue_text(words), ""]
    return "\n".join(cues)


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def description_lines(video: Video) -> str:
    """The stored track as the lines the owner wrote, for the form."""
    if not video.descriptions_key:
        return ""
    track = webvtt.from_string(media_storage().read_bytes(video.descriptions_key).decode())
    return "\n".join(f"{format_clock(_seconds(cue.start))} {html.unescape(cue.text)}"
                     for cue in track)


def _seconds(vtt_time: str) -> float:
    hours, minutes, seconds = vtt_time.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def set_descriptions(actor: User, video_id: int, lines_text: str,
                     text_description: str) -> Video:
    """Replace the video's audio description track (none when no lines) and its extended
    text description."""
    video = get_managed_video(actor, video_id)
    text_description = (text_description or "").strip()
    if len(text_description) > MAX_TEXT_DESCRIPTION:
        raise Invalid("The text description is too long.",
                      {"text_description": f"Keep it under {MAX_TEXT_DESCRIPTION} characters."})
    if problem := text_problem(text_description, multiline=True):
        raise Invalid(problem, {"text_description": problem})
    lines = parse_description_lines(lines_text or "", video.duration_s)
    storage = media_storage()
    key = f"{video.media_prefix}descriptions.vtt"
    if lines:
        handle, temp_name = tempfile.mkstemp(suffix=".vtt")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as temp:
                temp.write(descriptions_vtt(lines, video.duration_s))
            storage.save(key, temp_name)
        finally:
            Path(temp_name).unlink(missing_ok=True)
        video.descriptions_key = key
    elif video.descriptions_key:
        after_commit(storage.delete, video.descriptions_key)
        video.descriptions_key = None
    video.text_description = text_description
    commit()
    return video
