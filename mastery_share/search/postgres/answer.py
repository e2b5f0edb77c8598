"""Answering one SearchRequest from the PostgreSQL index: the count and facet counts, one page
ranked with its snippets (ts_headline), the moments where the words are said (their words
marked by ts_headline too), and a "did you mean" when nothing was found. A fixed number of
statements whatever the number of results.
"""
from __future__ import annotations

import math

from sqlalchemy import (
    Connection,
    Float,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from ..backend import CaptionHit, SearchHit, SearchRequest, SearchResponse, empty_facets
from ..snippets import BETWEEN, excerpt
from .models import ENGLISH, SearchCue, SearchDocument
from .parse import ANYWHERE, any_of, positive_words, resolve_text
from .query import allowed, condition, docs, tsquery
from .suggest import suggest

CAPTION_HITS_PER_VIDEO = 5  # as the Whoosh backend
_START_SEL, _STOP_SEL = '<mark class="match">', "</mark>"
_MARK = 'StartSel="<mark class=""match"">", StopSel="</mark>"'
# Between two passages in ts_headline's answer: "<" never occurs in the escaped text, so the
# passages can be told apart (and found again in the text) before it becomes " … ".
_GAP = "<…>"
_PASSAGES = f'MaxFragments=2, MaxWords=25, MinWords=10, FragmentDelimiter="{_GAP}", {_MARK}'
# A title is shown whole; long texts as (up to two) passages around the matches.
_HEADLINE_OPTIONS = {
    "title": f"HighlightAll=true, {_MARK}",
    "description": _PASSAGES,
    "transcript": _PASSAGES,
}
_EXCERPTED = ("description", "transcript")
# ts_headline leaves out the punctuation around its passages: text up to this long before the
# first passage or after the last is fetched, to show it when it holds no word (snippets.py).
_EDGE_CHARS = 64
_CUE_OPTIONS = f"HighlightAll=true, {_MARK}"
_cues = SearchCue.__table__
_documents = SearchDocument.__table__


def answer(connection: Connection, request: SearchRequest) -> SearchResponse:
    parsed = resolve_text(connection, request.text)
    tree = parsed.tree
    scope = allowed(request.viewer, request.filters)
    where = and_(scope, condition(tree))
    total, facets = _count(connection, where)
    rank_query = any_of(positive_words(tree)) if request.text.strip() else None
    rank = (func.ts_rank(docs.document, tsquery(rank_query)) if rank_query
            else literal(1.0, Float))
    newest = request.sort == "newest" or not request.text.strip()
    offset = (request.page - 1) * request.per_page
    hits = (_page(connection, tree, where, rank, newest, offset, request.per_page)
            if offset < total else [])
    _add_caption_hits(connection, tree, hits)
    suggestion = None
    # Every word of a query that found something is spelt as in some visible video.
    if total == 0 and request.text.strip():
        suggestion = suggest(connection, request.text, scope)
    return SearchResponse(total=total, page=request.page, per_page=request.per_page, hits=hits,
                          facets=facets, suggestion=suggestion, notice=parsed.notice)


def _count(connection: Connection, where: ColumnElement[bool]):
    """How many documents match, and the facet counts over all of them."""
    matched = select(docs.video_id, docs.school_id, docs.grade_band, docs.subject, docs.level,
                     docs.practice_slugs).where(where).cte("matched")
    slugs = select(func.unnest(matched.c.practice_slugs).label("value")).subquery()

    def counted(name: str, value, source, group: bool = True):
        statement = select(literal_column(f"'{name}'").label("facet"),
                           cast(value, Text).label("value"), func.count().label("count"))
        statement = statement.select_from(source)
        return statement.group_by(value) if group else statement

    rows = connection.execute(union_all(
        counted("total", literal_column("''"), matched, group=False),
        counted("practice", slugs.c.value, slugs),
        counted("school", matched.c.school_id, matched),
        counted("grade_band", matched.c.grade_band, matched),
        counted("subject", matched.c.subject, matched),
        counted("level", matched.c.level, matched),
    )).all()
    facets = empty_facets()
    total = 0
    for facet, value, count in sorted(rows, key=lambda row: (-row[2], str(row[1]))):
        if facet == "total":
            total = int(count)
        elif value not in (None, ""):
            facets[facet][value] = int(count)
    return total, facets


_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def _escaped(text: ColumnElement) -> ColumnElement:
    """The text as HTML, escaped before ts_headline so only its <mark> tags are markup."""
    for character, entity in _ENTITIES:
        text = func.replace(text, character, entity)
    return text


def _source_text(html: ColumnElement) -> ColumnElement:
    """A passage of ts_headline's answer as the text it came from: no marks, no entities."""
    text = func.replace(func.replace(html, _START_SEL, ""), _STOP_SEL, "")
    for character, entity in reversed(_ENTITIES):  # &amp; last: "&amp;lt;" is "&lt;"
        text = func.replace(text, entity, character)
    return text


def _edge(length: ColumnElement, cut: ColumnElement) -> ColumnElement:
    """`cut` when the passage is found `length` characters from its end of the text and that
    is short; NULL (taken as cut) otherwise."""
    return case((and_(length >= 0, length <= _EDGE_CHARS), cut))


def _before_first_passage(headline: ColumnElement, text: ColumnElement) -> ColumnElement:
    first = _source_text(func.split_part(headline, _GAP, 1))
    found_at = func.strpos(text, first)
    return _edge(found_at - 1, func.left(text, found_at - 1))


def _after_last_passage(headline: ColumnElement, text: ColumnElement) -> ColumnElement:
    last = _source_text(func.reverse(func.split_part(func.reverse(headline), _GAP[::-1], 1)))
    found_at = func.strpos(func.reverse(text), func.reverse(last))  # the last occurrence
    return _edge(found_at - 1, func.right(text, found_at - 1))


def _page(connection: Connection, tree, where, rank, newest: bool, offset: int,
          per_page: int) -> list[SearchHit]:
    ranked = (select(docs.video_id, rank.label("score"), docs.created_at).where(where)
              .order_by(*([] if newest else [rank.desc()]), docs.created_at.desc(),
                        docs.video_id.desc())
              .limit(per_page).offset(offset).subquery())
    snippets = {}
    for field, options in _HEADLINE_OPTIONS.items():
        words = any_of(positive_words(tree, (ANYWHERE, field)))
        if words:
            snippets[field] = func.ts_headline(
                ENGLISH, _escaped(_documents.c[field]), tsquery(words),
                bindparam(f"headline_{field}", options, type_=Text()),
            ).label(field)
    # Materialized: each headline is read three times below, and is the costly part.
    page = (select(ranked.c.video_id, ranked.c.score, ranked.c.created_at, *snippets.values())
            .join_from(ranked, _documents, _documents.c.video_id == ranked.c.video_id)
            .cte("page").prefix_with("MATERIALIZED"))
    edges = [edge for field in snippets if field in _EXCERPTED for edge in (
        _before_first_passage(page.c[field], _documents.c[field]).label(f"{field}_before"),
        _after_last_passage(page.c[field], _documents.c[field]).label(f"{field}_after"))]
    rows = connection.execute(
        select(page.c.video_id, page.c.score, *(page.c[field] for field in snippets), *edges)
        .join_from(page, _documents, _documents.c.video_id == page.c.video_id)
        .order_by(*([] if newest else [page.c.score.desc()]), page.c.created_at.desc(),
                  page.c.video_id.desc())
    ).mappings().all()
    return [SearchHit(video_id=row["video_id"], score=_finite(row["score"]),
                      highlights=_snippets(row, snippets), caption_hits=[]) for row in rows]


def _snippets(row, fields) -> dict[str, str]:
    found = {}
    for field in fields:
        headline = row[field]
        if not headline or "<mark" not in headline:
            continue
        if field in _EXCERPTED:
            headline = excerpt(headline.replace(_GAP, BETWEEN), head=row[f"{field}_before"],
                               tail=row[f"{field}_after"])
        found[field] = headline
    return found


def _finite(score) -> float:
    value = float(score or 0.0)
    return value if math.isfinite(value) else 0.0


def _add_caption_hits(connection: Connection, tree, hits: list[SearchHit]) -> None:
    """The first moments (by time) in each result where the searched words are said."""
    said = any_of(positive_words(tree, (ANYWHERE, "transcript")))
    if not said or not hits:
        return
    by_video = {hit.video_id: hit for hit in hits}
    numbered = (select(_cues.c.video_id, _cues.c.start_s, _cues.c.text,
                       func.row_number().over(partition_by=_cues.c.video_id,
                                              order_by=(_cues.c.start_s, _cues.c.text))
                       .label("number"))
                .where(_cues.c.video_id.in_(by_video),
                       _cues.c.words.bool_op("@@")(tsquery(said)))
                .subquery())
    # Marked on the moments shown only (outside the numbering), the whole cue each.
    marked = func.ts_headline(ENGLISH, _escaped(numbered.c.text), tsquery(said),
                              bindparam("cue_headline", _CUE_OPTIONS, type_=Text()))
    moments = connection.execute(
        select(numbered.c.video_id, numbered.c.start_s, numbered.c.text, marked)
        .where(numbered.c.number <= CAPTION_HITS_PER_VIDEO)
        .order_by(numbered.c.start_s, numbered.c.video_id, numbered.c.text))
    for video_id, start_s, text, html in moments:
        by_video[video_id].caption_hits.append(
            CaptionHit(start_s=float(start_s), text=text, html=html))
