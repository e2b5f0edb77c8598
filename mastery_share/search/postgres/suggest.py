""""Did you mean …?" from the PostgreSQL index (the word loop is search/suggest.py), never
revealing a word of a video the viewer may not watch.

As with Whoosh: a typed word is only corrected when it finds nothing the viewer may see, and
a candidate (a word within two edits, same first letter, the most frequent first, from the
trigram index over the lexicon of every indexed word) only when it finds a video the viewer
may see, so a hidden video's word is never offered.
"""
from __future__ import annotations

from sqlalchemy import Connection, exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from whoosh.support.levenshtein import distance

from ..suggest import CANDIDATES_PER_WORD, MAX_DISTANCE, did_you_mean
from .models import SearchWord
from .parse import (
    ANYWHERE,
    NOTHING,
    ParsedText,
    Words,
    quoted,
    resolve,
    resolve_text,
)
from .query import condition

# Lower than pg_trgm's 0.3: short words one or two edits apart share few trigrams.
SIMILARITY_THRESHOLD = "0.2"
_words = SearchWord.__table__


def _finds_something(connection: Connection, tree, scope: ColumnElement[bool]) -> bool:
    if tree == NOTHING:
        return False
    return bool(connection.scalar(select(exists().where(scope, condition(tree)))))


def _word(connection: Connection, word: str):
    """The query for one plain word over every field (NOTHING for a stop word)."""
    return resolve(connection, ParsedText(Words(ANYWHERE, quoted(word)))).tree


def _candidates(connection: Connection, word: str) -> list[str]:
    """Lexicon words within MAX_DISTANCE edits of `word` and starting with its first letter,
    the most frequent first (as Whoosh's corrector orders them). Words of any video: the
    caller offers one only once it finds a video the viewer may see."""
    connection.execute(select(func.set_config("pg_trgm.similarity_threshold",
                                              SIMILARITY_THRESHOLD, True)))
    rows = connection.execute(
        select(_words.c.word, _words.c.occurrences)
        .where(_words.c.word.op("%")(word), _words.c.word.startswith(word[0], autoescape=True),
               func.length(_words.c.word).between(len(word) - MAX_DISTANCE,
                                                  len(word) + MAX_DISTANCE),
               _words.c.word != word)
    ).all()
    near = [(-int(frequency), candidate) for candidate, frequency in rows
            if distance(word, candidate, limit=MAX_DISTANCE) <= MAX_DISTANCE]
    return [candidate for _, candidate in sorted(near)[:CANDIDATES_PER_WORD]]


class _PostgresSpeller:
    def __init__(self, connection: Connection, scope: ColumnElement[bool]) -> None:
        self.connection = connection
        self.scope = scope

    def word_finds(self, word: str) -> bool | None:
        typed = _word(self.connection, word)
        return None if typed == NOTHING else _finds_something(self.connection, typed,
                                                               self.scope)

    def candidates(self, word: str) -> list[str]:
        return _candidates(self.connection, word)

    def text_finds(self, text: str) -> bool:
        return _finds_something(self.connection, resolve_text(self.connection, text).tree,
                                self.scope)


def suggest(connection: Connection, text: str, scope: ColumnElement[bool]) -> str | None:
    """A corrected version of `text` that finds at least one video in `scope` (those the
    viewer may see, with the chosen filters), or None."""
    return did_you_mean(text, _PostgresSpeller(connection, scope))
