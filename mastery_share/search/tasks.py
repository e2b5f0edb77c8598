"""The search index's background jobs."""
from __future__ import annotations

from ..jobs import job
from .indexing import apply_queue, rebuild_index_if_unusable
from .queue import APPLY_QUEUE
from .services import REBUILD


@job(APPLY_QUEUE, retries=3, retry_delay=5)
def apply_search_queue() -> None:
    """Bring the search index up to date with the queued changes (one writer at a time)."""
    apply_queue()


@job(REBUILD)
def rebuild_search_index() -> None:
    """Rebuild a missing or damaged search index from the database (once, however many
    searches asked for it)."""
    rebuild_index_if_unusable()
