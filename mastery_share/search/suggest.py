""""Did you mean …?" that never reveals a word from a video the viewer may not watch: the one
word loop both engines use, each engine supplying how a word is looked up (a Speller).

A typed word is only corrected when it finds nothing the viewer may see (never "because it
is not in the index", which would tell a viewer that a hidden video uses it), and a
candidate is only offered when it finds a video the viewer may see.
"""
from __future__ import annotations

import re
from typing import Protocol

MAX_WORDS = 6
CANDIDATES_PER_WORD = 5
MAX_DISTANCE = 2
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Words of three letters or more, not part of a prefix* or wild?card.
_WORD = re.compile(r"(?<![\w*?])([^\W\d_]{3,})(?![\w*?])")


class Speller(Protocol):
    """One engine's lookups, each limited to the videos the viewer may see."""

    def word_finds(self, word: str) -> bool | None:
        """Whether the plain word finds a visible video; None for a stop word."""

    def candidates(self, word: str) -> list[str]:
        """Words within MAX_DISTANCE edits of the lower-cased `word`, best first."""

    def text_finds(self, text: str) -> bool:
        """Whether the whole corrected text finds a visible video."""


def did_you_mean(text: str, speller: Speller) -> str | None:
    """`text` with its misspelt words replaced, when that finds a visible video; else None."""
    pieces: list[str] = []
    position = 0
    changed = False
    words = [match for match in _WORD.finditer(text) if match.group(1) not in OPERATORS]
    for match in words[:MAX_WORDS]:
        word = match.group(1)
        found = speller.word_finds(word)
        if found is None or found:  # a stop word, or spelt as some visible video has it
            continue
        replacement = next((candidate for candidate in speller.candidates(word.lower())
                            if candidate != word.lower() and speller.word_finds(candidate)),
                           None)
        if replacement is not None:
            pieces.append(text[position:match.start(1)])
            pieces.append(replacement)
            position = match.end(1)
            changed = True
    if not changed:
        return None
    corrected = "".join(pieces) + text[position:]
    return corrected if speller.text_finds(corrected) else None
