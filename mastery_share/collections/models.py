"""Collection, its ordered items, and the collections members saved."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Practice, User
from ..db_types import UTCDateTime, one_of, utcnow
from ..extensions import db
from ..videos.models import Video, Visibility


class Collection(db.Model):
    __tablename__ = "collections"
    __table_args__ = (
        one_of("visibility", Visibility, "visibility_known"),
        # One "Start here" path per practice and district.
        db.UniqueConstraint("district_id", "path_practice_id",
                            name="uq_collections_district_path_practice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    meeting_date: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SCHOOL.value)
    # Set when a coach flags this collection as the practice's "Start here" path for members
    # new to it; None for every other collection.
    path_practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="SET NULL"))
    # Bumped first by every change to the items: the row lock that serialises concurrent
    # edits, so positions never collide or go missing.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When its school was told it is shared (announce.py); once per collection.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    curator: Mapped[User] = relationship()
    path_practice: Mapped[Practice | None] = relationship()
    items: Mapped[list[CollectionItem]] = relationship(
        back_populates="collection", cascade="all, delete-orphan",
        order_by="CollectionItem.position")

    # Lists of collections say how many of its videos the member looking may watch (a video
    # made private since is not counted): set by sharing's listings, counted by the database
    # in the listing's own query; not a column, None on a collection loaded any other way.
    item_count = None


class CollectionItem(db.Model):
    __tablename__ = "collection_items"
    __table_args__ = (
        db.UniqueConstraint("collection_id", "position", name="uq_collection_items_position"),
        CheckConstraint("start_s IS NULL OR start_s >= 0", name="start_not_negative"),
        CheckConstraint("end_s IS NULL OR start_s IS NULL OR end_s > start_s",
                        name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    # A deleted video leaves the item in place, shown as unavailable.
    video_id: Mapped[int | None] = mapped_column(
        ForeignKey("videos.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    prompt: Mapped[str] = mapped_column(Text, default="")
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    collection: Mapped[Collection] = relationship(back_populates="items")
    video: Mapped[Video | None] = relationship()




class SavedCollection(db.Model):
    """A collection a member keeps to come back to."""

    __tablename__ = "saved_collections"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
