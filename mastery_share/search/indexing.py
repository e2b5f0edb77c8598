"""Keeping the index true to the database: the one index writer and full rebuilds.

Changes arrive as rows of the search_queue outbox (written in the same transaction as the
video change). `apply_queue` is the single writer: it holds the backend's writer lock, reads
the queue in id order, reloads each video's current state (ready: index it; otherwise or
gone: remove it) and deletes only the rows it applied, so a change queued meanwhile is
picked up by the next round instead of being lost.
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, select

from ..extensions import db
from ..transaction import commit
from ..videos.models import SearchQueueEntry
from .backend import IndexMissing, IndexUnavailable, SearchBackend
from .documents import all_video_documents, ready_videos, video_document
from .engine import search_backend

log = logging.getLogger(__name__)
QUEUE_BATCH = 100


def apply_queue() -> int:
    """Apply every queued change to the index; returns how many videos were updated."""
    backend = search_backend()
    applied = 0
    with backend.exclusive():
        while True:
            entries = list(db.session.scalars(
                select(SearchQueueEntry).order_by(SearchQueueEntry.id).limit(QUEUE_BATCH)))
            if not entries:
                return applied
            video_ids = list(dict.fromkeys(entry.video_id for entry in entries))
            try:
                _apply(backend, video_ids)
            except IndexUnavailable as problem:
                # No index yet, or a damaged one: a rebuild from the database includes
                # these changes (and every other one).
                log.log(logging.INFO if isinstance(problem, IndexMissing) else logging.WARNING,
                        "Building the search index from the database: %s", problem)
                _rebuild(backend)
            db.session.execute(delete(SearchQueueEntry).where(
                SearchQueueEntry.id.in_([entry.id for entry in entries])))
            commit()
            applied += len(video_ids)


def _apply(backend: SearchBackend, video_ids: list[int]) -> None:
    videos = ready_videos(video_ids)
    with backend.batch():
        for video_id in video_ids:
            video = videos.get(video_id)
            if video is None:
                backend.remove_video(video_id)
            else:
                backend.index_video(video_document(video))


def _rebuild(backend: SearchBackend) -> int:
    return backend.rebuild(all_video_documents())


def rebuild_index() -> int:
    """Rebuild the whole index from the database into a fresh directory and swap it in
    atomically; searches keep using the old index until the swap. Returns the video count."""
    backend = search_backend()
    with backend.exclusive():
        count = _rebuild(backend)
    apply_queue()
    return count


def rebuild_index_if_unusable() -> bool:
    """Rebuild only when the index is missing or damaged (many searches may ask at once)."""
    backend = search_backend()
    with backend.exclusive():
        if backend.is_usable():
            return False
        _rebuild(backend)
    apply_queue()
    return True
