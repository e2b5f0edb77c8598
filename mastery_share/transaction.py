"""One transaction per service call, with side effects held back until it commits.

Mail, queued jobs and index updates registered with `after_commit` run only once the rows
they need are committed, so a worker never wakes up before its row exists, and nothing is
sent for work that was rolled back.
"""
from __future__ import annotations

from collections.abc import Callable

from .extensions import db

_PENDING = "after_commit"


def after_commit(callback: Callable, *args, **kwargs) -> None:
    db.session.info.setdefault(_PENDING, []).append((callback, args, kwargs))


def commit() -> None:
    """Commit the session, then run the side effects registered during it, in order."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard_pending()
        raise
    pending = db.session.info.pop(_PENDING, [])
    for callback, args, kwargs in pending:
        callback(*args, **kwargs)


def rollback() -> None:
    db.session.rollback()
    discard_pending()


def discard_pending() -> None:
    db.session.info.pop(_PENDING, None)
