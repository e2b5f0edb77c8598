"""One transaction per service call, with side effects held back until it commits.

Mail, queued jobs and index updates registered with `after_commit` run only once the rows
they need are committed, so a worker never wakes up before its row exists, and nothing is
sent for work that was rolled back.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from sqlalchemy import update

from .extensions import db

_PENDING = "after_commit"


def after_commit(callback: Callable, *args, **kwargs) -> None:
    db.session.info.setdefault(_PENDING, []).append((callback, args, kwargs))


def commit(*, keep_loaded: bool = False) -> None:
    """Commit the session, then run the side effects registered during it, in order.

    `keep_loaded`: the session's objects keep the values just written instead of being
    reloaded on their next read. For a hot path whose answer shows only what it wrote (a
    booking), under a row lock that already made those values the latest."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = not keep_loaded
    try:
        session.commit()
    except Exception:
        session.rollback()
        discard_pending()
        raise
    finally:
        session.expire_on_commit = expiring
    pending = db.session.info.pop(_PENDING, [])
    for callback, args, kwargs in pending:
        callback(*args, **kwargs)


def rollback() -> None:
    db.session.rollback()
    discard_pending()


def discard_pending() -> None:
    db.session.info.pop(_PENDING, None)


def atomic(service):
    """Roll back (releasing any row lock taken) when the decorated service raises."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except Exception:
            rollback()
            raise

    return wrapper


def lock_row(model, row_id: int) -> bool:
    """Hold one row's write lock until the transaction ends; False if there is no such row.

    A no-op UPDATE is the lock (PostgreSQL locks the row, SQLite the database), so a
    check-then-insert guarded by the same row runs one at a time and each sees the last
    one's commit.
    """
    return db.session.execute(
        update(model).where(model.id == row_id).values({model.id.key: model.id})
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def lock_row_by_increment(model, row_id: int, counter) -> int | None:
    """Increment `counter` on one row and return its new value, or None if there is no row.

    The UPDATE is the lock: PostgreSQL holds the row lock and SQLite the database write lock
    until the transaction ends, so concurrent changes to the same row take turns, and the
    counter numbers them in arrival order.
    """
    return db.session.execute(
        update(model).where(model.id == row_id)
        .values({counter.key: counter + 1})
        .returning(counter)
        .execution_options(synchronize_session=False)
    ).scalar()
