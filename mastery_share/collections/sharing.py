"""Who sees a collection, the collections shared with a member, and the ones they saved.

Every list of collections goes through `collections_visible_to(user)`, the same rule as
videos/visibility.py: a list, the home page and a direct link cannot disagree.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, false, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import User
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..transaction import commit
from ..videos.models import Video, Visibility
from ..videos.visibility import visible_to
from .models import Collection, CollectionItem, SavedCollection
from .permissions import can_edit_collection, can_view_collection, is_member


def collections_visible_to(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause selecting the collections `user` may open."""
    if not is_member(user):
        return false()
    network = Collection.visibility == Visibility.NETWORK.value
    if user.is_admin:
        return or_(Collection.district_id == user.district_id, network)
    return or_(
        Collection.curator_id == user.id,
        network,
        and_(Collection.visibility == Visibility.DISTRICT.value,
             Collection.district_id == user.district_id),
        and_(Collection.visibility == Visibility.SCHOOL.value,
             Collection.school_id == user.school_id),
    )


def get_collection(viewer: User, collection_id: int) -> Collection:
    """A collection `viewer` may open; NotFound otherwise, so hidden ones do not leak."""
    collection = db.session.get(Collection, collection_id)
    if collection is None or not can_view_collection(viewer, collection):
        raise NotFound("No such collection, or it is not shared with you.")
    return collection


def get_editable_collection(actor: User, collection_id: int) -> Collection:
    """A collection the actor curates (or administers); Forbidden for other viewers."""
    collection = get_collection(actor, collection_id)
    if not can_edit_collection(actor, collection):
        raise Forbidden("Only the curator of this collection (or an admin) can change it.")
    return collection


def _listing(query, viewer: User, limit: int | None = None) -> list[Collection]:
    """The collections with their curator, each with `item_count`: the videos in it that
    `viewer` may watch (the same rule as the collection's page), counted in the same query."""
    watchable = (select(func.count(CollectionItem.id))
                 .join(Video, Video.id == CollectionItem.video_id)
                 .where(CollectionItem.collection_id == Collection.id, visible_to(viewer))
                 .correlate(Collection).scalar_subquery())
    query = query.add_columns(watchable).options(joinedload(Collection.curator, innerjoin=True))
    if limit:
        query = query.limit(limit)
    collections = []
    for collection, count in db.session.execute(query):
        collection.item_count = count
        collections.append(collection)
    return collections


def my_collections(curator: User) -> list[Collection]:
    """The collections the member curates, most recently changed first."""
    return _listing(select(Collection).where(Collection.curator_id == curator.id)
                    .order_by(Collection.updated_at.desc(), Collection.id.desc()), curator)


def shared_with_me(user: User, limit: int | None = None) -> list[Collection]:
    """Collections others shared with the member (not private ones an admin could open),
    next meetings first."""
    if not is_member(user):
        return []
    return _listing(
        select(Collection).where(collections_visible_to(user), Collection.curator_id != user.id,
                                 Collection.visibility != Visibility.PRIVATE.value)
        .order_by(Collection.meeting_date.desc().nulls_last(), Collection.updated_at.desc(),
                  Collection.id.desc()),
        user, limit)


def saved_collections(user: User) -> list[Collection]:
    """Collections the member saved and may still open, most recently saved first."""
    return _listing(
        select(Collection).join(SavedCollection, SavedCollection.collection_id == Collection.id)
        .where(SavedCollection.user_id == user.id, collections_visible_to(user))
        .order_by(SavedCollection.created_at.desc(), Collection.id.desc()), user)


def is_saved(user: User, collection_id: int) -> bool:
    return db.session.get(SavedCollection, (user.id, collection_id)) is not None


def save_collection(user: User, collection_id: int) -> None:
    """Keep a collection the member may open on their list; saving twice is harmless."""
    get_collection(user, collection_id)
    table = SavedCollection.__table__
    values = {"user_id": user.id, "collection_id": collection_id}
    # Two clicks at once must not fail on the primary key: insert-or-ignore on both databases.
    if db.engine.dialect.name == "postgresql":
        statement = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    db.session.execute(statement)
    commit()


def unsave_collection(user: User, collection_id: int) -> None:
    """Take a collection off the member's saved list."""
    db.session.execute(delete(SavedCollection).where(SavedCollection.user_id == user.id,
                                                     SavedCollection.collection_id == collection_id))
    commit()

