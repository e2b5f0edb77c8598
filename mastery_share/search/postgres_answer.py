"""Answering one SearchRequest from the PostgreSQL index: the count and facet counts, one page
ranked with its snippets (ts_headline), the moments where the words are said, and a "did you
mean" when nothing was found. A fixed number of statements whatever the number of results.
"""
from __future__ import annotations

import math

from sqlalchemy import (
    Connection,
    Float,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from .backend import CaptionHit, SearchHit, SearchRequest, SearchResponse, empty_facets
from .postgres_models import ENGLISH, SearchCue, SearchDocument
from .postgres_parse import ANYWHERE, any_of, positive_words, resolve_text
from .postgres_query import allowed, condition, docs, tsquery
from .postgres_suggest import suggest

CAPTION_HITS_PER_VIDEO = 5  # as the Whoosh backend
_MARK = 'StartSel="<mark class=""match"">", StopSel="</mark>"'
# A title is shown whole; long texts as (up to two) passages around the matches.
_HEADLINE_OPTIONS = {
    "title": f"HighlightAll=true, {_MARK}",
    "description": f'MaxFragments=2, MaxWords=25, MinWords=10, FragmentDelimiter=" … ", {_MARK}',
    "transcript": f'MaxFragments=2, MaxWords=25, MinWords=10, FragmentDelimiter=" … ", {_MARK}',
}
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
    matched = select(docs.video_id, docs.school_id, docs.grade_band, docs.subject,
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
    )).all()
    facets = empty_facets()
    total = 0
    for facet, value, count in sorted(rows, key=lambda row: (-row[2], str(row[1]))):
        if facet == "total":
            total = int(count)
        elif value not in (None, ""):
            facets[facet][value] = int(count)
    return total, facets


def _escaped(text: ColumnElement) -> ColumnElement:
    """The text as HTML, escaped before ts_headline so only its <mark> tags are markup."""
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                              ("'", "&#x27;")):
        text = func.replace(text, character, entity)
    return text


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
    rows = connection.execute(
        select(ranked.c.video_id, ranked.c.score, *snippets.values())
        .join_from(ranked, _documents, _documents.c.video_id == ranked.c.video_id)
        .order_by(*([] if newest else [ranked.c.score.desc()]), ranked.c.created_at.desc(),
                  ranked.c.video_id.desc())
    ).mappings().all()
    return [SearchHit(video_id=row["video_id"], score=_finite(row["score"]),
                      highlights={field: row[field] for field in snippets
                                  if row[field] and "<mark" in row[field]},
                      caption_hits=[]) for row in rows]


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
    moments = connection.execute(
        select(numbered.c.video_id, numbered.c.start_s, numbered.c.text)
        .where(numbered.c.number <= CAPTION_HITS_PER_VIDEO)
        .order_by(numbered.c.start_s, numbered.c.video_id, numbered.c.text))
    for video_id, start_s, text in moments:
        by_video[video_id].caption_hits.append(CaptionHit(start_s=float(start_s), text=text))
