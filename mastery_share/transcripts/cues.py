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
# A WebVTT cue timestamp tag, <00:00:04.120> or <00:04.120>; its time captured.
_TIMESTAMP = re.compile(r"<((?:\d{2,}:)?\d{2}:\d{2}\.\d{3})>")


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
                          f"{_timed_cue_text(text, cue)}")
    return "\n\n".join(blocks) + "\n"


def _timed_cue_text(text: str, cue: Cue) -> str:
    """The cue's words, each after a WebVTT timestamp tag (<00:00:04.120>) of when it begins:
    standard cue text that players show as plain words and search reads back (timed_words)."""
    words = text.split()
    if len(cue.word_starts) != len(words) or "\n" in text:
        return escape_cue_text(text)
    pieces = [escape_cue_text(words[0])]
    last = cue.start_s
    for word, start in zip(words[1:], cue.word_starts[1:], strict=True):
        # WebVTT wants each tag after the last one and inside the cue; a word without its own
        # tag is read back at the last time known (timed_words), which is the same time.
        if last < start < cue.end_s:
            pieces.append(f"<{timestamp(start)}>{escape_cue_text(word)}")
            last = start
        else:
            pieces.append(escape_cue_text(word))
    return " ".join(pieces)


def timed_words(raw_text: str, start_s: float) -> tuple[str, tuple[float, ...]]:
    """A cue's plain words (markup dropped, entities read) and when each begins, from the
    timestamp tags in its raw text; no times when it has no tag at all. A word without its
    own tag begins at the last time known (the cue's start at first)."""
    chunks = _TIMESTAMP.split(raw_text)
    if len(chunks) == 1:
        return " ".join(html.unescape(_TAG.sub("", raw_text)).split()), ()
    words: list[str] = []
    starts: list[float] = []
    current = start_s
    ended_with_space = True
    for position, chunk in enumerate(chunks):
        if position % 2:  # a tag's time, captured by the split
            current = _seconds(chunk)
            continue
        plain = html.unescape(_TAG.sub("", chunk))
        tokens = plain.split()
        if tokens and words and not ended_with_space and not plain[:1].isspace():
            words[-1] += tokens.pop(0)  # a tag inside a word: the word began earlier
        for token in tokens:
            words.append(token)
            starts.append(round(current, 3))
        if plain:
            ended_with_space = plain[-1:].isspace()
    return " ".join(words), tuple(starts)


def _seconds(stamp: str) -> float:
    *hours, minutes, seconds = stamp.split(":")
    return int(hours[0] if hours else 0) * 3600 + int(minutes) * 60 + float(seconds)


def clean_cue_text(text: str, *, required: bool = True) -> str:
    """Plain text for a cue from cue text (a recogniser's or a file's): markup removed,
    character references resolved, blank lines dropped, lines trimmed."""
    return tidy_cue_text(html.unescape(_TAG.sub("", text or "")), required=required)


def tidy_cue_text(plain: str, *, required: bool = True) -> str:
    """Text a person typed for a cue, kept as typed ("3 < 5", "AT&amp;T" stay words, escaped
    when written): blank lines dropped, lines trimmed, the length checked."""
    lines = [" ".join(line.split()) for line in (plain or "").splitlines()]
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
            cleaned = tidy_cue_text(text)
        except Invalid as error:
            # Tell the editor which cue, by the name of its field.
            raise Invalid(f"Cue {index + 1}: {error.message}",
                          {f"cue-{index}": error.fields["text"]}) from None
        document.captions[index].text = escape_cue_text(cleaned)
    return document.content
