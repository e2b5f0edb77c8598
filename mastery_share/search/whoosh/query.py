"""Turning what a member typed into Whoosh queries.

Any text gets a query: words, "phrases", prefix* and named fields (practice:, school:,
teacher:, grade:, subject:, title:, said:) are understood; text the parser cannot make sense
of falls back to its plain words, with a notice, instead of an error. Who may see what is
not a query here but sets of documents kept per index generation (generation.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, OrGroup
from whoosh.qparser.plugins import BoostPlugin, RangePlugin

from ..query_syntax import (
    ALIASES,
    NAMEABLE,
    PARSER_ERRORS,
    PLAIN_WORDS_NOTICE,
    has_error,
    plain_words,
    too_deep,
)
from .schema import build_schema

DEFAULT_FIELDS = ("title", "description", "practice", "transcript", "teacher", "school",
                  "subject_text")
BOOSTS = {"title": 3.0, "practice": 2.0, "description": 1.5}


@dataclass(frozen=True)
class ParsedQuery:
    query: wq.Query
    notice: str | None = None


@lru_cache(maxsize=1)
def index_schema() -> Schema:
    return build_schema()


# Building a parser (its schema copy and plugins) took longer than parsing; parse() keeps
# no state on the parser, so one per grouping serves every query and thread.
@lru_cache(maxsize=2)
def _parser(group=None) -> MultifieldParser:
    full = index_schema()
    schema = Schema(**{name: full[name] for name in NAMEABLE})
    options = {"fieldboosts": BOOSTS}
    if group is not None:
        options["group"] = group
    parser = MultifieldParser(list(DEFAULT_FIELDS), schema, **options)
    # Boosts from the user could overflow the scores; ranges mean nothing on words.
    parser.remove_plugin_class(BoostPlugin)
    parser.remove_plugin_class(RangePlugin)
    parser.add_plugin(FieldAliasPlugin(ALIASES))
    return parser


# A district searches the same few words again and again, and parsing one took a fifth of
# the index's answer. Whoosh's query trees are never changed in place (accept() copies),
# so one parsed tree serves every search of its text.
@lru_cache(maxsize=512)
def parse_user_query(text: str) -> ParsedQuery:
    """The query for `text`; an empty text matches every video."""
    if not text.strip():
        return ParsedQuery(wq.Every())
    if not too_deep(text):
        try:
            parsed = _parser().parse(text)
        except PARSER_ERRORS:
            parsed = None
        if parsed is not None and not has_error(parsed):
            return ParsedQuery(parsed.accept(_keyword_phrase_as_term))
    # Lower-cased, the words cannot be read as operators (the parser trips on "NOT ANDNOT x").
    words = [word.lower() for word in plain_words(text)]
    fallback = _parser(OrGroup).parse(" ".join(words)) if words else wq.NullQuery
    return ParsedQuery(fallback, PLAIN_WORDS_NOTICE)


def _keyword_phrase_as_term(node: wq.Query) -> wq.Query:
    """grade:"k 2" as one keyword: a phrase needs word positions, which keywords lack (the
    search would raise)."""
    if isinstance(node, wq.Phrase) and node.fieldname == "grade":
        return wq.Term("grade", " ".join(node.words))
    return node


def word_query(word: str) -> wq.Query:
    """One plain word over the default fields (used to check suggestions)."""
    return _parser().parse(re.sub(r"\W+", " ", word))


def transcript_leaves(node: wq.Query) -> list[wq.Query]:
    """The parts of the query about what is said (words, phrases, prefixes in the
    transcript), negated ones left out: a caption hit shows where one of them is said."""
    return list(_transcript_leaves(node))


def _transcript_leaves(node: wq.Query):
    if isinstance(node, wq.Not):
        return
    if isinstance(node, wq.AndNot):
        yield from _transcript_leaves(node.a)
        return
    if node.is_leaf() or isinstance(node, wq.Phrase):
        if getattr(node, "fieldname", None) == "transcript":
            yield node
        return
    for child in node.children():
        yield from _transcript_leaves(child)
