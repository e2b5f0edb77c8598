"""Item order under concurrent edits: the collection row lock and gap-free renumbering.

Positions are protected by the database, not by Python checks alone. Every change to a
collection's items starts with one UPDATE of the collection row (`version = version + 1`):

- on PostgreSQL the UPDATE takes the row lock, so a second editor of the same collection
  queues behind it until commit, and under READ COMMITTED each later statement sees every
  item committed before the lock was granted;
- on SQLite it is the first write of the transaction, so it takes the database's write lock
  up front (waiting out `busy_timeout`) before the items are read.

Renumbering then writes positions 1..n in two passes, through distinct negative temporaries,
so UNIQUE(collection_id, position) (checked row by row) never sees two items on one position.
"""
from __future__ import annotations

from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..transaction import lock_row_by_increment
from .models import Collection, CollectionItem


def lock_collection(collection_id: int) -> None:
    """Lock the collection row for the rest of the transaction (bumping its version)."""
    version = lock_row_by_increment(Collection, collection_id, Collection.version)
    if version is None:
        raise NotFound("No such collection, or it is not shared with you.")
    # Whatever the session read before the lock may be stale.
    db.session.get(Collection, collection_id, populate_existing=True)


def locked_items(collection_id: int) -> list[CollectionItem]:
    """The collection's items in order, read fresh; call under lock_collection."""
    return list(db.session.scalars(
        select(CollectionItem).where(CollectionItem.collection_id == collection_id)
        .order_by(CollectionItem.position, CollectionItem.id)
        .execution_options(populate_existing=True)))


def renumber(collection: Collection, items_in_order: list[CollectionItem]) -> None:
    """Give the items positions 1..n in this order without ever colliding on the way."""
    for index, item in enumerate(items_in_order, start=1):
        item.position = -index
    db.session.flush()
    for index, item in enumerate(items_in_order, start=1):
        item.position = index
    db.session.flush()
    db.session.expire(collection, ["items"])


def clamp_position(position: int | None, last: int) -> int:
    """A requested 1-based position, kept within 1..last (None: the end)."""
    if position is None:
        return last
    return min(max(1, position), last)
