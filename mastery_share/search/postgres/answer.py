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
    false,
    func,
    literal,
    select,
    text,
    union,
)
from sqlalchemy.sql.elements import ColumnElement

from ..backend import CaptionHit, SearchHit, SearchRequest, SearchResponse, empty_facets
from ..moments import moment_of
from ..snippets import BETWEEN, excerpt
from .models import ENGLISH, FIELD_WEIGHTS, SearchCue, SearchDocument, SearchText
from .parse import ANYWHERE, EVERYTHING, Words, any_of, positive_words, resolve_text
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
# Past this many matches, the page is ranked among a pool of candidates (_ranked).
RANK_POOL = 200
_cues = SearchCue.__table__
_documents = SearchDocument.__table__
_texts = SearchText.__table__
_FIELD_TEXT = {"title": _texts.c.title, "description": _texts.c.description,
               "transcript": _texts.c.transcript}


def answer(connection: Connection, request: SearchRequest) -> SearchResponse:
    parsed = resolve_text(connection, request.text)
    tree = parsed.tree
    if tree != EVERYTHING:
        _prefer_indexes(connection)
    scope = allowed(request.viewer, request.filters, request.hidden_ids)
    where = and_(scope, condition(tree))
    total, facets = _count(connection, where)
    offset = (request.page - 1) * request.per_page
    hits = []
    if offset < total:
        ranked = _ranked(connection, request, tree, scope, total, offset)
        hits = _page(connection, tree, ranked, request.sort == "newest" or ranked is None)
    _add_caption_hits(connection, tree, hits)
    suggestion = None
    # Every word of a query that found something is spelt as in some visible video.
    if total == 0 and request.text.strip():
        suggestion = suggest(connection, request.text, scope)
    return SearchResponse(total=total, page=request.page, per_page=request.per_page, hits=hits,
                          facets=facets, suggestion=suggestion, notice=parsed.notice)


def _prefer_indexes(connection: Connection) -> None:
    """For this search's transaction: no sequential scan where an index serves. The planner
    prices `document @@ query` as cheap, but in a full scan it reads each row's out-of-line
    vector: for a word in most videos it would scan and detoast 100,000 vectors where the
    GIN index gives the same rows with no vector read at all."""
    connection.execute(select(func.set_config("enable_seqscan", "off", True)))


def _ranked(connection: Connection, request: SearchRequest, tree, scope, total: int,
            offset: int):
    """The page's ids, scores and dates (a subquery), in result order.

    Ranking reads each document's whole vector, so it is done for all matches only when
    they are few. Past RANK_POOL matches (a common word: tens of thousands) the page is
    ranked exactly among a pool: the newest matches whose short fields (title and practices,
    which ts_rank weighs most) hold the words, and the newest matches of all."""
    rank_words = any_of(positive_words(tree)) if request.text.strip() else None
    newest = request.sort == "newest" or rank_words is None
    rank = literal(1.0, Float) if newest else func.ts_rank(docs.document, tsquery(rank_words))
    where = and_(scope, condition(tree))
    candidates = where
    pool = max(RANK_POOL, offset + request.per_page)
    if not newest and total > pool:
        walk_dates = _walk_dates(connection, total, pool)
        if _only_short_fields_match(tree):
            # Every match holds a word in its short fields: the newest matches are the pool.
            pooled = _newest(select(docs.video_id).where(where), pool, walk_dates=walk_dates)
        elif (isinstance(tree, Words) and tree.field == ANYWHERE
                and positive_words(tree) == [tree.operand] and "<" not in tree.operand):
            # Plain words (no phrase, whose words could meet across two fields): the short
            # fields' words are all in `document`, so a match there is a match, found from
            # their own index alone.
            heads = and_(scope, docs.fields.bool_op("@@")(tsquery(rank_words)))
            pooled = union(_newest(select(docs.video_id).where(heads), pool),
                           _newest(select(docs.video_id).where(where), pool,
                                   walk_dates=walk_dates))
        elif walk_dates:
            pooled = union(_newest(select(docs.video_id).where(and_(where, _in_heads(rank_words))),
                                   pool),
                           _newest(select(docs.video_id).where(where), pool, walk_dates=True))
        else:
            pooled = _newest_of_both(where, rank_words, pool)
        candidates = docs.video_id.in_(pooled)
    return (select(docs.video_id, rank.label("score"), docs.created_at).where(candidates)
            .order_by(*([] if newest else [rank.desc()]), docs.created_at.desc(),
                      docs.video_id.desc())
            .limit(request.per_page).offset(offset).subquery())


def _only_short_fields_match(tree) -> bool:
    """Whether every document `tree` matches holds one of its words in the short fields
    (title, practices, teacher, school): `practice:blended-learning`, `title:groups AND
    said:day`."""
    if isinstance(tree, Words):
        return tree.field in FIELD_WEIGHTS
    kind = getattr(tree, "kind", None)
    if kind == "and":
        return any(_only_short_fields_match(child) for child in tree.children)
    if kind == "or":
        return all(_only_short_fields_match(child) for child in tree.children)
    if kind in ("andnot", "andmaybe"):  # what the first child matches
        return _only_short_fields_match(tree.children[0])
    return False  # everything, a grade, a NOT alone


def _in_heads(rank_words):
    """Whether a matching row's short fields hold the words: checked in the row (the small
    vector is in line), never through its index: pricing the check of `document` as free,
    the planner would take the short fields' matches from their index and read every one's
    `document`."""
    return func.coalesce(docs.fields.bool_op("@@")(tsquery(rank_words)), false())


def _newest_of_both(where, rank_words, pool: int):
    """The newest `pool` matches and the newest `pool` whose short fields hold the words,
    from one pass over the matches (each half read them all when done apart)."""
    found = (select(docs.video_id, docs.created_at, _in_heads(rank_words).label("head"))
             .where(where).cte().prefix_with("MATERIALIZED"))
    newest = (found.c.created_at.desc(), found.c.video_id.desc())
    return union(select(found.c.video_id).where(found.c.head).order_by(*newest).limit(pool),
                 select(found.c.video_id).order_by(*newest).limit(pool))


_NEWEST_FIRST = (docs.created_at.desc(), docs.video_id.desc())
# Walking the date index checks the words in each row it passes (reading its out-of-line
# vector, ~2.5 us); sorting reads each match's row once (~1 us). Measured at 100,000 videos.
_WALK_COST_PER_ROW = 2.5


def _walk_dates(connection: Connection, total: int, pool: int) -> bool:
    """Whether the newest `pool` of `total` matches are found sooner by walking the date index
    from the newest video (passing about pool * videos / total rows) than by sorting them all.
    The planner cannot tell: it prices the word check on a row as free."""
    videos = connection.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = 'search_documents'::regclass"))
    return bool(videos) and pool * float(videos) / total * _WALK_COST_PER_ROW < total


def _newest(matches, pool: int, walk_dates: bool = False):
    """The newest `pool` of `matches` (a select of video ids)."""
    if walk_dates:
        return matches.order_by(*_NEWEST_FIRST).limit(pool)
    # All the matches first (a CTE the planner cannot see into), then the newest of them.
    found = matches.add_columns(docs.created_at).cte().prefix_with("MATERIALIZED")
    return (select(found.c.video_id).order_by(found.c.created_at.desc(), found.c.video_id.desc())
            .limit(pool))


# Every facet counted in one pass over the matching rows, in two groupings (a hash aggregate
# each): the four one-value facets together (a few hundred combinations, summed here into the
# total and each facet), and the practices, an array, whose groups are split here.
_FACET_COLUMNS = {"school": docs.school_id, "grade_band": docs.grade_band,
                  "subject": docs.subject, "level": docs.level}
_GROUPING_SETS = text("GROUPING SETS ((school_id, grade_band, subject, level), "
                      "(practice_slugs))")


def _count(connection: Connection, where: ColumnElement[bool]):
    """How many documents match, and the facet counts over all of them."""
    rows = connection.execute(
        select(func.grouping(docs.practice_slugs).label("by_facets"), *_FACET_COLUMNS.values(),
               docs.practice_slugs, func.count())
        .where(where).group_by(_GROUPING_SETS)).all()
    facets = empty_facets()
    total = 0

    def add(facet: str, value, count: int) -> None:
        if value not in (None, ""):
            facets[facet][str(value)] = facets[facet].get(str(value), 0) + count

    for by_facets, *values, practices, count in rows:
        if by_facets:  # practice_slugs is not grouped: the first grouping
            total += count
            for facet, value in zip(_FACET_COLUMNS, values):
                add(facet, value, count)
        else:
            for slug in practices or ():
                add("practice", slug, count)
    return total, {facet: dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
                   for facet, counts in facets.items()}


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


def _page(connection: Connection, tree, ranked, newest: bool) -> list[SearchHit]:
    sources = _documents.join(_texts, _texts.c.video_id == _documents.c.video_id)
    snippets = {}
    for field, options in _HEADLINE_OPTIONS.items():
        words = any_of(positive_words(tree, (ANYWHERE, field)))
        if words:
            snippets[field] = func.ts_headline(
                ENGLISH, _escaped(_FIELD_TEXT[field]), tsquery(words),
                bindparam(f"headline_{field}", options, type_=Text()),
            ).label(field)
    # Materialized: each headline is read three times below, and is the costly part.
    page = (select(ranked.c.video_id, ranked.c.score, ranked.c.created_at, *snippets.values())
            .select_from(ranked.join(sources, _documents.c.video_id == ranked.c.video_id))
            .cte("page").prefix_with("MATERIALIZED"))
    edges = [edge for field in snippets if field in _EXCERPTED for edge in (
        _before_first_passage(page.c[field], _FIELD_TEXT[field]).label(f"{field}_before"),
        _after_last_passage(page.c[field], _FIELD_TEXT[field]).label(f"{field}_after"))]
    rows = connection.execute(
        select(page.c.video_id, page.c.score, *(page.c[field] for field in snippets), *edges)
        .select_from(page.join(sources, _documents.c.video_id == page.c.video_id))
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
    numbered = (select(_cues.c.video_id, _cues.c.start_s, _cues.c.text, _cues.c.word_starts,
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
        select(numbered.c.video_id, numbered.c.start_s, numbered.c.text, marked,
               numbered.c.word_starts)
        .where(numbered.c.number <= CAPTION_HITS_PER_VIDEO)
        .order_by(numbered.c.start_s, numbered.c.video_id, numbered.c.text))
    for video_id, start_s, said, html, word_starts in moments:
        by_video[video_id].caption_hits.append(CaptionHit(
            start_s=moment_of(start_s, html, tuple(word_starts or ())), text=said, html=html))
