"""When a caption hit is said: the first marked word's own time when the cue knows its
words' times (automatic transcripts), else the cue's start. Shared by both engines, which
hand over the cue's plain text, its marked HTML and its word times."""
from __future__ import annotations

import html as html_lib
import re

_TAG = re.compile(r"<[^>]*>")


def first_marked_word(marked_html: str) -> int | None:
    """The index (in text.split()) of the word holding the first <mark>, or None."""
    before, mark, _ = marked_html.partition("<mark")
    if not mark:
        return None
    plain = html_lib.unescape(_TAG.sub("", before))
    words_before = len(plain.split())
    # A mark inside a word ("(<mark>group</mark>s") belongs to the word already begun.
    return words_before - 1 if plain and not plain[-1].isspace() else words_before


def moment_of(start_s: float, marked_html: str, word_starts: tuple[float, ...]) -> float:
    """Seconds from the start of the video at which the first searched word is said."""
    index = first_marked_word(marked_html) if word_starts else None
    if index is None or index >= len(word_starts):
        return round(float(start_s), 3)
    return round(float(word_starts[index]), 3)
