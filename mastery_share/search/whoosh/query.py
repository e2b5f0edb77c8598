"""Turning what a member typed into Whoosh queries, and who may see what as a Whoosh filter.

Any text gets a query: words, "phrases", prefix* and named fields (practice:, school:,
teacher:, grade:, subject:, title:, said:) are understood; text the parser cannot make sense
of falls back to its plain words, with a notice, instead of an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, OrGroup
from whoosh.qparser.plugins import BoostPlugin, RangePlugin

from ..backend import SearchFilters, Viewer
from ..query_syntax import (
    ALIASES,
    NAMEABLE,
    PARSER_ERRORS,
    PLAIN_WORDS_NOTICE,
    has_error,
    plain_words,
    too_deep,
)
from .schema import CUE, VIDEO, build_schema

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


def visibility_filter(viewer: Viewer) -> wq.Query:
    """The same rule as videos.visibility.visible_to, over index fields."""
    network = wq.Term("visibility", "network")
    if viewer.is_admin:
        return wq.Or([network, wq.Term("district_id", str(viewer.district_id))])
    allowed = [
        network,
        wq.Term("owner_id", str(viewer.user_id)),
        wq.And([wq.Term("visibility", "district"),
                wq.Term("district_id", str(viewer.district_id))]),
    ]
    if viewer.school_id is not None:
        allowed.append(wq.And([wq.Term("visibility", "school"),
                               wq.Term("school_id", str(viewer.school_id))]))
    return wq.Or(allowed)


def video_filter(viewer: Viewer, filters: SearchFilters) -> wq.Query:
    """Video documents the viewer may see that match the chosen facet values."""
    terms = [wq.Term("kind", VIDEO), visibility_filter(viewer)]
    if filters.practice:
        terms.append(wq.Term("practices", filters.practice))
    if filters.school_id:
        terms.append(wq.Term("school_id", str(filters.school_id)))
    if filters.grade_band:
        terms.append(wq.Term("grade_band", filters.grade_band))
    if filters.subject:
        terms.append(wq.Term("subject", filters.subject))
    if filters.level:
        terms.append(wq.Term("level", filters.level))
    return wq.And(terms)


def cue_query(user_query: wq.Query, video_ids: list[int]) -> wq.Query | None:
    """Cue documents of these videos containing the words the user asked for in what is
    said (negated words are not moments to show); None when no word concerns speech."""
    leaves = list(_transcript_leaves(user_query))
    if not leaves or not video_ids:
        return None
    return wq.And([wq.Term("kind", CUE),
                   wq.Or([wq.Term("video_id", str(video_id)) for video_id in video_ids]),
                   wq.Or(leaves)])


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
