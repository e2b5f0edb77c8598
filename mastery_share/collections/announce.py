"""Telling a school when a collection is shared with it.

A collection is announced once: the first time it is both shared beyond its curator and holds
a video (a coach usually creates it empty, then fills it). Its school's members get a
notification in the same transaction. The claim is a conditional UPDATE of `announced_at`, so
two requests finishing at once announce it once. District- and network-wide sharing also
announces only to the curator's own school, whose PLC it is usually made for; the rest of the
district finds it under Collections.
"""
from __future__ import annotations

from sqlalchemy import exists, select, update

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..links import app_path
from ..notifications.kinds import NotificationKind
from ..notifications.services import notify
from ..videos.models import Visibility
from .models import Collection, CollectionItem


def announce_if_ready(collection: Collection) -> None:
    if (collection.announced_at is not None or collection.school_id is None
            or collection.visibility == Visibility.PRIVATE.value):
        return
    db.session.flush()
    if not db.session.scalar(select(exists().where(
            CollectionItem.collection_id == collection.id))):
        return
    claimed = db.session.execute(
        update(Collection).where(Collection.id == collection.id,
                                 Collection.announced_at.is_(None))
        .values(announced_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return
    members = db.session.scalars(select(User).where(
        User.school_id == collection.school_id, User.active.is_(True),
        User.id != collection.curator_id).order_by(User.id))
    curator = db.session.get(User, collection.curator_id)
    meeting = (f" for the meeting of {collection.meeting_date:%B} {collection.meeting_date.day}"
               if collection.meeting_date else "")
    notify(list(members), NotificationKind.COLLECTION_SHARED,
           f"{curator.name} shared the collection \u201c{collection.title}\u201d with your "
           f"school{meeting}.", app_path("collections.show", collection_id=collection.id),
           actor=curator)
