"""The index queue: changes are recorded in the same transaction as the video change (an
outbox) and applied by a single writer, so concurrent workers never contend for the index."""
from __future__ import annotations

from ..extensions import db
from ..jobs import enqueue
from ..transaction import after_commit
from ..videos.models import SearchQueueEntry


def reindex_video_later(video_id: int) -> None:
    """The video's entry in the index is brought up to date (added, changed or removed:
    the writer reads the video's current state) after the current transaction commits."""
    db.session.add(SearchQueueEntry(video_id=video_id))
    after_commit(_wake_index_writer)


APPLY_QUEUE = "search.apply_queue"  # the job (tasks.py)


def _wake_index_writer() -> None:
    enqueue(APPLY_QUEUE)
