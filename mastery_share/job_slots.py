"""One consumer thread kept for the work a teacher waits for.

A new upload's first playable rendition must not wait behind long background work: other
videos' higher renditions and transcriptions. Huey's priorities order the queue, but a job
already running holds its thread; so background jobs run in at most `threads - 1` of the
worker's threads, and one that finds no slot goes back to the queue for a moment
(RetryTask with a delay costs Huey no retry). With one thread there is nothing to keep.

The slots are per worker process, set by `flask worker`; jobs run inline (tests, Huey's
immediate mode) take none.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from huey.exceptions import RetryTask

# Seconds before a background job that found no free slot is offered to a thread again.
RETRY_AFTER_S = 2

_slots: threading.BoundedSemaphore | None = None


def keep_a_thread_for_uploads(threads: int) -> None:
    """Called by the worker before it consumes: background work gets `threads - 1`."""
    global _slots
    _slots = threading.BoundedSemaphore(max(1, threads - 1))


def stop_keeping() -> None:
    global _slots
    _slots = None


@contextmanager
def background_slot() -> Iterator[None]:
    """Held while a background job runs; RetryTask when every background slot is taken."""
    slots = _slots
    if slots is None:
        yield
        return
    if not slots.acquire(blocking=False):
        raise RetryTask("every background slot is taken", delay=RETRY_AFTER_S)
    try:
        yield
    finally:
        slots.release()
