"""Searching videos: the one entry point pages and the API share."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..extensions import db
from ..videos.models import SearchQueueEntry, Video, VideoStatus
from ..videos.visibility import ready_among, visible_to
from .backend import (
    MAX_PER_PAGE,
    SORTS,
    CaptionHit,
    IndexUnavailable,
    SearchFilters,
    SearchRequest,
    Viewer,
    empty_facets,
)
from .cards import VideoCard, cards_of
from .engine import search_backend

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 500
REBUILDING_NOTICE = "Search is being rebuilt; try again in a minute."
TRUNCATED_NOTICE = f"Only the first {MAX_QUERY_CHARS} characters of your search were used."
CATCHING_UP_NOTICE = ("Search is catching up with a large change; totals, filters and further "
                      "pages are back in a minute.")
# The hidden ids travel to the engine as a list: normally a handful, but a mass change
# (a school's videos made private at once) queues thousands, and past this many a search
# withholds its counts instead of sending them all (see _hidden_ids).
MAX_HIDDEN_IDS = 2000


@dataclass
class SearchResult:
    video: Video | VideoCard  # whole videos for the API, cards for the page
    score: float
    highlights: dict[str, str]
    caption_hits: list[CaptionHit]


@dataclass
class SearchResults:
    items: list[SearchResult]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=empty_facets)
    suggestion: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def viewer_of(user: User) -> Viewer:
    return Viewer(user_id=user.id, school_id=user.school_id, district_id=user.district_id,
                  is_admin=user.is_admin)


def search_videos(viewer: User, q: str | None, filters: SearchFilters | None = None, *,
                  sort: str = "relevance", page: int = 1, per_page: int = 20,
                  with_renditions: bool = False) -> SearchResults:
    """Ranked videos the viewer may watch (and only those, in every count), never an error
    for odd text: a query that cannot be understood is searched as plain words, a missing or
    damaged index answers with a notice while it is rebuilt. The page's results carry
    cards (cards.py: what a card shows); the API's carry whole videos with their renditions
    (`with_renditions`)."""
    text = (q or "").strip()
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        text = _cut(text)
        notices.append(TRUNCATED_NOTICE)
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    hidden = _hidden_ids(viewer)
    request = SearchRequest(viewer=viewer_of(viewer), text=text,
                            filters=filters or SearchFilters(),
                            sort=sort if sort in SORTS else "relevance",
                            page=page, per_page=per_page, hidden_ids=hidden.ids)
    try:
        response = search_backend().query(request)
    except IndexUnavailable as error:
        # One line: the reason says what is wrong (never built, damaged, being swapped).
        log.warning("Search index unavailable (%s); rebuilding it", error)
        _rebuild_later()
        return SearchResults(items=[], total=0, page=page, per_page=per_page,
                             notices=[*notices, REBUILDING_NOTICE])
    if response.notice:
        notices.append(response.notice)
    found_ids = [hit.video_id for hit in response.hits]
    videos = (_visible_videos(viewer, found_ids) if with_renditions
              else cards_of(viewer, found_ids))
    items = [SearchResult(video=videos[hit.video_id], score=hit.score,
                          highlights=hit.highlights, caption_hits=hit.caption_hits)
             for hit in response.hits if hit.video_id in videos]
    if not hidden.complete:
        return _without_counts(items, response.page, response.per_page,
                               [*notices, CATCHING_UP_NOTICE])
    return SearchResults(items=items, total=response.total, page=response.page,
                         per_page=response.per_page, facets=response.facets,
                         suggestion=response.suggestion, notices=notices)


@dataclass(frozen=True)
class HiddenIds:
    ids: frozenset[int]
    complete: bool  # False: more videos are hidden than `ids` holds


def _hidden_ids(viewer: User) -> HiddenIds:
    """The videos the index may still count although the viewer may no longer watch them.

    Every change to a video queues its id (search_queue) in the change's own transaction, and
    the index writer applies the index change before it deletes the entry; so a video the
    index shows with a visibility the database no longer has always has an entry waiting.
    Of those, hidden are the ones the viewer may not watch now: gone (the entry outlives the
    row: no foreign key), not ready, or out of their sight. A waiting video the viewer may
    still watch stays: its index entry is stale at worst, never a leak.

    One query, bounded: the anti-join probes the videos' primary key per distinct waiting
    id (DISTINCT reads ix_search_queue_video_id in order) and stops at MAX_HIDDEN_IDS + 1.
    Past the cap (a mass change still being indexed) the ids are incomplete, and the search
    answers without totals, facets or suggestion (fail closed) until the writer catches up.
    """
    watchable_now = (select(Video.id)
                     .where(Video.id == SearchQueueEntry.video_id,
                            Video.status == VideoStatus.READY.value, visible_to(viewer))
                     .exists())
    ids = db.session.scalars(
        select(SearchQueueEntry.video_id).where(~watchable_now).distinct()
        .limit(MAX_HIDDEN_IDS + 1)).all()
    return HiddenIds(ids=frozenset(ids[:MAX_HIDDEN_IDS]), complete=len(ids) <= MAX_HIDDEN_IDS)


def _without_counts(items: list[SearchResult], page: int, per_page: int,
                    notices: list[str]) -> SearchResults:
    """The page's hits (each checked in SQL) and nothing the index counted: its total, facets
    and suggestion could include a hidden video past MAX_HIDDEN_IDS. No further page either,
    as whether there is one would come from that total."""
    return SearchResults(items=items, total=(page - 1) * per_page + len(items), page=page,
                         per_page=per_page, suggestion=None, notices=notices)


def _cut(text: str) -> str:
    """The first MAX_QUERY_CHARS characters, without a half word at the end."""
    cut = text[:MAX_QUERY_CHARS]
    if not text[MAX_QUERY_CHARS].isspace() and len(cut.split()) > 1:
        cut = cut.rsplit(None, 1)[0]
    return cut


def _visible_videos(viewer: User, video_ids: list[int]) -> dict[int, Video]:
    """The videos behind the API's hits, checked again against the visibility rule in SQL
    (the index could lag a change by a moment), loaded with their renditions in one go."""
    if not video_ids:
        return {}
    videos = db.session.scalars(
        select(Video).where(ready_among(video_ids), visible_to(viewer))
        .options(selectinload(Video.practices), joinedload(Video.owner),
                 joinedload(Video.school), selectinload(Video.renditions)))
    return {video.id: video for video in videos}


REBUILD = "search.rebuild"  # the job (tasks.py)


def _rebuild_later() -> None:
    from ..jobs import enqueue

    enqueue(REBUILD)
