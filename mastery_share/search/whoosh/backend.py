"""The search interface on a Whoosh index in the data dir (the embedded default).

Every query is limited to the documents the viewer may see (generation.py: a set per viewer
class, built once per commit, plus their own videos, less hidden_ids), so totals, pages,
facet counts, caption hits and suggestions only ever count videos the viewer may watch.
Totals and facets are set operations on the matched documents (docsets.py); only the page
asked for is scored, highlighted and looked into for caption hits (captions.py). Queries
read through the index the process keeps open (readers.py).
"""
from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import os
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

from whoosh.searching import Searcher

from ..backend import (
    IndexUnavailable,
    SearchBackend,
    SearchHit,
    SearchRequest,
    SearchResponse,
    VideoDocument,
)
from .captions import CaptionFinder
from .docsets import matching_docs
from .generation import Generation, generation_of
from .highlight import field_snippets, query_words
from .query import parse_user_query
from .ranking import ranked, score_docs
from .readers import forget_readers, readers_for
from .schema import spelling_words, transcript_of, vocabulary_document, whoosh_document
from .store import DAMAGED_INDEX_ERRORS, IndexStore, close_index_files
from .suggest import suggest

_OPEN_ATTEMPTS = 3
# Rebuilds of at least this many videos use whoosh's multiprocessing writer.
MANY_DOCUMENTS = 1000
REBUILD_PROCS = max(1, min(2, os.cpu_count() or 1))
REBUILD_LIMIT_MB = 256


def _peek_many(documents: Iterable[VideoDocument]) -> tuple[Iterator[VideoDocument], bool]:
    """The same documents, and whether there are at least MANY_DOCUMENTS of them."""
    iterator = iter(documents)
    first = list(itertools.islice(iterator, MANY_DOCUMENTS))
    many = len(first) >= MANY_DOCUMENTS and REBUILD_PROCS > 1
    return itertools.chain(first, iterator), many


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
            writer.update_document(**whoosh_document(document))
            words = spelling_words(document)
            writer.delete_by_term("vocabulary_of", str(document.video_id))
            if words:
                writer.add_document(**vocabulary_document(
                    dict.fromkeys(words, 1), document.video_id))

    def remove_video(self, video_id: int) -> None:
        with self.batch():
            self._local.writer.delete_by_term("video_id", str(video_id))
            # Its words stay in the rebuild's vocabulary until the next rebuild: harmless,
            # as a word is only offered when it finds a video the viewer may see.
            self._local.writer.delete_by_term("vocabulary_of", str(video_id))

    def rebuild(self, documents: Iterable[VideoDocument]) -> int:
        """Write a fresh index directory and swap it in; the old one serves until then."""
        with self.store.writer_lock():
            name, index = self.store.create_fresh()
            count = 0
            try:
                documents, many = _peek_many(documents)
                # A large rebuild writes with two processes, each its own segment (no merge):
                # 2.4x the videos per second on two cores; a small one is not worth the fork.
                writer = index.writer(procs=REBUILD_PROCS, multisegment=True,
                                      limitmb=REBUILD_LIMIT_MB) if many else index.writer()
                try:
                    vocabulary: Counter[str] = Counter()
                    for document in documents:
                        writer.add_document(**whoosh_document(document))
                        vocabulary.update(spelling_words(document))
                        count += 1
                    if vocabulary:
                        writer.add_document(**vocabulary_document(vocabulary))
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
    generation = generation_of(searcher)
    # The documents the viewer may see with the chosen facet values, for the search and
    # its suggestion (hidden_ids left out of both).
    allowed = generation.filtered(
        generation.allowed(searcher, request.viewer, request.hidden_ids), request.filters)
    browsing = not request.text.strip()
    matched = allowed if browsing else (
        matching_docs(searcher, parsed.query, generation.live, generation.postings) & allowed)
    page = _page(searcher, request, parsed.query, generation, matched, browsing)
    words = query_words(searcher, parsed.query) if page and not browsing else {}
    captions = CaptionFinder(searcher, parsed.query) if page and not browsing else None
    hits = []
    for docnum, score in page:
        stored = searcher.stored_fields(docnum)
        cues = stored.get("cues") or ()
        texts = {"title": stored.get("title", ""), "description": stored.get("description", ""),
                 "transcript": transcript_of(cues)}
        hits.append(SearchHit(video_id=int(stored["video_id"]), score=_finite(score),
                              highlights=field_snippets(searcher, texts, words),
                              caption_hits=captions.hits(cues) if captions else []))
    suggestion = None
    # Every word of a query that found something is spelt as in some visible video.
    if not matched and not browsing:
        suggestion = suggest(searcher, request.text, generation, allowed)
    return SearchResponse(total=len(matched), page=request.page, per_page=request.per_page,
                          hits=hits, facets=generation.facet_counts(matched),
                          suggestion=suggestion, notice=parsed.notice)


def _page(searcher: Searcher, request: SearchRequest, q, generation: Generation,
          matched: AbstractSet[int], browsing: bool) -> list[tuple[int, float]]:
    """(document number, score) of the page asked for: only its documents are scored."""
    offset = (request.page - 1) * request.per_page
    wanted = offset + request.per_page
    if offset >= len(matched):
        return []
    if browsing or request.sort == "newest":
        created, video_ids = generation.created, generation.video_ids
        # Newest upload first; the same time: the higher video id first.
        newest = heapq.nlargest(wanted, matched, key=lambda d: (created[d], video_ids[d]))
        docnums = newest[offset:]
        scores = {} if browsing else score_docs(searcher, q, set(docnums), generation.postings)
        return [(docnum, scores.get(docnum, 1.0)) for docnum in docnums]
    return ranked(searcher, q, matched, wanted, generation.postings)[offset:]


def _finite(score) -> float:
    value = float(score or 0.0)
    return value if math.isfinite(value) else 0.0
