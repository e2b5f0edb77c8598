"""WebVTT in and out: cues made by the transcriber, cues read for the player, cue edits."""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from ..errors import Invalid
from ..text_fields import text_problem
from .speech import Cue

AUTO_NOTE = "NOTE Auto-generated transcript (speech recognition); it may contain mistakes."
MAX_CUE_TEXT = 500
_TAG = re.compile(r"<[^>]*>")


def timestamp(seconds: float) -> str:
    milliseconds = max(0, round(seconds * 1000))
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def escape_cue_text(text: str) -> str:
    """Plain text as WebVTT cue text: markup characters escaped, so "-->" cannot appear."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cues_to_vtt(cues: Iterable[Cue]) -> str:
    """WebVTT for automatic captions, with a note that says they were generated."""
    blocks = ["WEBVTT", AUTO_NOTE]
    for cue in cues:
        text = clean_cue_text(cue.text, required=False)
        if text:
            blocks.append(f"{timestamp(cue.start_s)} --> {timestamp(cue.end_s)}\n"
                          f"{escape_cue_text(text)}")
    return "\n\n".join(blocks) + "\n"


def clean_cue_text(text: str, *, required: bool = True) -> str:
    """Plain text for a cue: markup removed, blank lines dropped, lines trimmed."""
    plain = html.unescape(_TAG.sub("", text or ""))
    lines = [" ".join(line.split()) for line in plain.splitlines()]
    cleaned = "\n".join(line for line in lines if line)
    if required and not cleaned:
        raise Invalid("A cue needs some text.", {"text": "Write what is said in this cue."})
    if len(cleaned) > MAX_CUE_TEXT:
        raise Invalid(f"A cue can hold {MAX_CUE_TEXT} characters at most.",
                      {"text": f"{MAX_CUE_TEXT} characters at most."})
    return cleaned


def _parse(vtt_text: str) -> webvtt.WebVTT:
    try:
        return webvtt.from_string(vtt_text)
    except (MalformedFileError, MalformedCaptionError, ValueError) as error:
        raise Invalid("The stored captions could not be read.") from error


def read_cues(vtt_text: str) -> list[dict]:
    """Every cue as {index, start_s, end_s, text}, the text plain (tags and entities resolved)."""
    return [
        {"index": index,
         "start_s": caption.start_time.in_milliseconds() / 1000,
         "end_s": caption.end_time.in_milliseconds() / 1000,
         "text": html.unescape(caption.text)}
        for index, caption in enumerate(_parse(vtt_text).captions)
    ]


def replace_cue_texts(vtt_text: str, texts: Mapping[int, str]) -> str:
    """The same WebVTT with the text of the given cues replaced; timings, identifiers,
    settings and notes are kept."""
    document = _parse(vtt_text)
    for index, text in texts.items():
        if not 0 <= index < len(document.captions):
            raise Invalid("There is no such cue in these captions.", {"cue": "No such cue."})
        try:
            problem = text_problem(text or "", multiline=True)
            if problem:
                raise Invalid(problem, {"text": problem})
            cleaned = clean_cue_text(text)
        except Invalid as error:
            # Tell the editor which cue, by the name of its field.
            raise Invalid(f"Cue {index + 1}: {error.message}",
                          {f"cue-{index}": error.fields["text"]}) from None
        document.captions[index].text = escape_cue_text(cleaned)
    return document.content
