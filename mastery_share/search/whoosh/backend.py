"""The search interface on a Whoosh index in the data dir (the embedded default).

Every query runs with the viewer's visibility rule as a Whoosh filter, so totals, pages,
facet counts, caption hits and suggestions only ever count videos the viewer may watch.
Queries read through the index the process keeps open (whoosh_readers.py).
"""
from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import sorting
from whoosh.searching import Results, Searcher

from ..backend import (
    CaptionHit,
    IndexUnavailable,
    SearchBackend,
    SearchHit,
    SearchRequest,
    SearchResponse,
    VideoDocument,
    empty_facets,
)
from .highlight import field_snippets, marked_whole_text, use_snippets
from .query import cue_query, parse_user_query, video_filter, visibility_filter
from .readers import forget_readers, readers_for
from .schema import whoosh_documents
from .store import DAMAGED_INDEX_ERRORS, IndexStore, close_index_files
from .suggest import suggest

CAPTION_HITS_PER_VIDEO = 5
_FACETS = {
    "practice": sorting.FieldFacet("practices", allow_overlap=True),
    "school": sorting.FieldFacet("school_id"),
    "grade_band": sorting.FieldFacet("grade_band"),
    "subject": sorting.FieldFacet("subject"),
    "level": sorting.FieldFacet("level"),
}
_OPEN_ATTEMPTS = 3


class WhooshBackend(SearchBackend):
    def __init__(self, root: str | Path) -> None:
        self.store = IndexStore(Path(root).resolve())
        self._local = threading.local()  # the writer of the batch this thread is in

    def dispose(self) -> None:
        """Close the searchers this process keeps on the index (tests, before removing it)."""
        forget_readers(self.store.root)

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self.store.writer_lock():
            yield

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One Whoosh writer, committed once, for every change made inside."""
        if getattr(self._local, "writer", None) is not None:
            yield
            return
        with self.store.writer_lock():
            index = self.store.open_for_writing()
            try:
                writer = index.writer()
            except DAMAGED_INDEX_ERRORS as error:
                close_index_files(index)
                raise IndexUnavailable(f"The search index cannot be written: {error}") from error
            self._local.writer = writer
            try:
                yield
                writer.commit()  # may merge segments, reading the old ones
            except DAMAGED_INDEX_ERRORS as error:
                with contextlib.suppress(Exception):
                    writer.cancel()
                close_index_files(index)
                raise IndexUnavailable(f"The search index cannot be written: {error}") from error
            except Exception:
                writer.cancel()
                raise
            finally:
                self._local.writer = None

    def index_video(self, document: VideoDocument) -> None:
        with self.batch():
            writer = self._local.writer
            writer.delete_by_term("video_id", str(document.video_id))
            for fields in whoosh_documents(document):
                writer.add_document(**fields)

    def remove_video(self, video_id: int) -> None:
        with self.batch():
            self._local.writer.delete_by_term("video_id", str(video_id))

    def rebuild(self, documents: Iterable[VideoDocument]) -> int:
        """Write a fresh index directory and swap it in; the old one serves until then."""
        with self.store.writer_lock():
            name, index = self.store.create_fresh()
            count = 0
            try:
                writer = index.writer()
                try:
                    for document in documents:
                        for fields in whoosh_documents(document):
                            writer.add_document(**fields)
                        count += 1
                except Exception:
                    writer.cancel()
                    raise
                writer.commit()
            except Exception:
                self.store.discard(name)
                raise
            self.store.make_current(name)
        return count

    def is_usable(self) -> bool:
        try:
            with self._searcher() as searcher:
                searcher.doc_count()
        except IndexUnavailable:
            return False
        return True

    # -- reading ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest commit, this thread's alone while inside."""
        with readers_for(self.store).searcher() as searcher:
            yield searcher

    def query(self, request: SearchRequest) -> SearchResponse:
        for attempt in range(_OPEN_ATTEMPTS):
            name = self.store.current_name()
            try:
                with self._searcher() as searcher:
                    return _answer(searcher, request)
            except (IndexUnavailable, *DAMAGED_INDEX_ERRORS) as error:
                # A rebuild swapped directories between reading CURRENT and opening it.
                if self.store.current_name() != name and attempt + 1 < _OPEN_ATTEMPTS:
                    continue
                if isinstance(error, IndexUnavailable):
                    raise
                raise IndexUnavailable(f"The search index cannot be read: {error}") from error
        raise IndexUnavailable("The search index kept changing while it was read.")


def _answer(searcher: Searcher, request: SearchRequest) -> SearchResponse:
    parsed = parse_user_query(request.text)
    # The documents the viewer may see, worked out once for the search and its suggestion.
    allowed = set(searcher.docs_for_query(video_filter(request.viewer, request.filters)))
    if not allowed:
        # Whoosh reads an empty filter set as "no filter": never hand it one.
        return SearchResponse(total=0, page=request.page, per_page=request.per_page, hits=[],
                              facets=empty_facets(), notice=parsed.notice)
    results = searcher.search(parsed.query, filter=allowed, limit=None, groupedby=_FACETS,
                              maptype=sorting.Count)
    if request.sort == "newest" or not request.text.strip():
        _order_newest_first(searcher, results)
    total = len(results)
    offset = (request.page - 1) * request.per_page
    page_hits = results[offset:offset + request.per_page] if offset < total else []
    use_snippets(results)
    hits = [SearchHit(video_id=int(hit["video_id"]), score=_finite(hit.score),
                      highlights=field_snippets(hit), caption_hits=[]) for hit in page_hits]
    _add_caption_hits(searcher, request, parsed.query, hits)
    suggestion = None
    # Every word of a query that found something is spelt as in some visible video.
    if total == 0 and request.text.strip():
        suggestion = suggest(searcher, request.text, allowed)
    return SearchResponse(total=total, page=request.page, per_page=request.per_page, hits=hits,
                          facets=_facet_counts(results), suggestion=suggestion,
                          notice=parsed.notice)


def _order_newest_first(searcher: Searcher, results: Results) -> None:
    """Reorder every matched document by upload time (ties: higher id first), keeping scores."""
    created = searcher.reader().column_reader("created_at")
    results.top_n.sort(key=lambda item: (created[item[1]], item[1]), reverse=True)


def _finite(score) -> float:
    value = float(score or 0.0)
    return value if math.isfinite(value) else 0.0


def _facet_counts(results: Results) -> dict[str, dict[str, int]]:
    facets = {}
    for name in _FACETS:
        groups = results.groups(name)
        facets[name] = {str(key): int(count) for key, count in
                        sorted(groups.items(), key=lambda item: (-item[1], str(item[0])))
                        if key not in (None, "")}
    return facets


def _add_caption_hits(searcher: Searcher, request: SearchRequest, user_query,
                      hits: list[SearchHit]) -> None:
    """The first moments (by time) in each result where the searched words are said."""
    by_video = {hit.video_id: hit for hit in hits}
    cues = cue_query(user_query, list(by_video))
    if cues is None:
        return
    found = searcher.search(cues, filter=visibility_filter(request.viewer), limit=None)
    use_snippets(found)
    moments = sorted(found, key=lambda cue: (float(cue["start_s"]), int(cue["video_id"]),
                                             cue["transcript"]))
    for cue in moments:
        hit = by_video.get(int(cue["video_id"]))
        if hit is not None and len(hit.caption_hits) < CAPTION_HITS_PER_VIDEO:
            # The cue's own words, with those searched for marked (in any English form).
            hit.caption_hits.append(CaptionHit(start_s=float(cue["start_s"]),
                                               text=cue["transcript"],
                                               html=marked_whole_text(cue, "transcript")))
