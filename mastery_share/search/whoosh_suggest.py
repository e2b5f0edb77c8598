""""Did you mean …?" that never reveals a word from a video the viewer may not watch.

The corrector draws candidate words from the whole index, private videos included, so a
candidate is only offered when it finds a video the viewer may see; and a typed word is only
corrected when it finds nothing the viewer may see (never "because it is not in the index",
which would tell a viewer that a hidden video uses it).
"""
from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.searching import Searcher

from .whoosh_query import parse_user_query, word_query

MAX_WORDS = 6
CANDIDATES_PER_WORD = 5
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Words of three letters or more, not part of a prefix* or wild?card.
_WORD = re.compile(r"(?<![\w*?])([^\W\d_]{3,})(?![\w*?])")


def _finds_something(searcher: Searcher, q: wq.Query, allowed: set[int]) -> bool:
    if not allowed:  # Whoosh would read an empty filter set as "no filter"
        return False
    return not searcher.search(q, filter=allowed, limit=1).is_empty()


def suggest(searcher: Searcher, text: str, allowed: set[int]) -> str | None:
    """A corrected version of `text` that finds at least one visible video (`allowed`: the
    numbers of the documents the viewer may see), or None."""
    corrector = searcher.reader().corrector("spelling")
    pieces: list[str] = []
    position = 0
    changed = False
    words = [match for match in _WORD.finditer(text) if match.group(1) not in OPERATORS]
    for match in words[:MAX_WORDS]:
        word = match.group(1)
        replacement = None
        typed = word_query(word)
        if typed is wq.NullQuery:  # a stop word: nothing to correct
            continue
        if not _finds_something(searcher, typed, allowed):
            for candidate in corrector.suggest(word.lower(), limit=CANDIDATES_PER_WORD,
                                               maxdist=2, prefix=1):
                if candidate != word.lower() and _finds_something(
                        searcher, word_query(candidate), allowed):
                    replacement = candidate
                    break
        if replacement is not None:
            pieces.append(text[position:match.start(1)])
            pieces.append(replacement)
            position = match.end(1)
            changed = True
    if not changed:
        return None
    corrected = "".join(pieces) + text[position:]
    if not _finds_something(searcher, parse_user_query(corrected).query, allowed):
        return None
    return corrected
