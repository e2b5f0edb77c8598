"""Try (a Plan-Learn-Check-Adjust plan), its Sparks and its CheckIns."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Practice, School, User
from ..db_types import UTCDateTime, one_of, utcnow
from ..extensions import db
from ..videos.models import Video


class TryVisibility(str, enum.Enum):
    ONLY_ME = "only_me"
    LEADERS = "leaders"  # my coach and principal (and the district's admins)
    SCHOOL = "school"
    DISTRICT = "district"

    @property
    def label(self) -> str:
        return {"only_me": "Only me", "leaders": "My coach and principal",
                "school": "My school", "district": "My district"}[self.value]


class TryStatus(str, enum.Enum):
    PLANNING = "planning"
    TRYING = "trying"
    SHARED_BACK = "shared_back"
    SET_ASIDE = "set_aside"

    @property
    def label(self) -> str:
        return {"planning": "Planning", "trying": "Trying", "shared_back": "Shared back",
                "set_aside": "Set aside"}[self.value]


class SparkKind(str, enum.Enum):
    VIDEO = "video"
    BOOKING = "booking"  # a visit the teacher attended
    COLLECTION_ITEM = "collection_item"


class Try(db.Model):
    __tablename__ = "tries"
    __table_args__ = (
        one_of("visibility", TryVisibility, "visibility_known"),
        one_of("status", TryStatus, "status_known"),
        CheckConstraint("status <> 'set_aside' OR set_aside_reason <> ''",
                        name="set_aside_has_reason"),
        Index("ix_tries_practice_created", "practice_id", "created_at"),
        Index("ix_tries_school_created", "school_id", "created_at"),
        Index("ix_tries_owner_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The school and district the teacher tried it in, kept when they later move schools:
    # the spread map draws where the practice went at the time.
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    plan: Mapped[str] = mapped_column(Text)
    students: Mapped[str] = mapped_column(Text, default="")
    success_looks_like: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[date | None] = mapped_column(Date, index=True)
    learn_notes: Mapped[str] = mapped_column(Text, default="")
    adjust: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default=TryVisibility.LEADERS.value)
    status: Mapped[str] = mapped_column(String(16), default=TryStatus.PLANNING.value)
    set_aside_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The video this try was shared back as: set once, by a conditional UPDATE, so two tabs
    # sharing back at the same moment link one video, not two.
    share_back_video_id: Mapped[int | None] = mapped_column(
        ForeignKey("videos.id", ondelete="SET NULL"), unique=True)
    shared_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Reminder bookkeeping: each reminder is sent once (worker job, see tries/reminders.py).
    check_in_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reflect_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    school: Mapped[School] = relationship()
    practice: Mapped[Practice] = relationship()
    share_back_video: Mapped[Video | None] = relationship()
    sparks: Mapped[list[TrySpark]] = relationship(
        back_populates="try_", cascade="all, delete-orphan", order_by="TrySpark.id")
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="try_", cascade="all, delete-orphan",
        order_by="(CheckIn.on, CheckIn.id)")

    @property
    def status_enum(self) -> TryStatus:
        return TryStatus(self.status)

    @property
    def visibility_enum(self) -> TryVisibility:
        return TryVisibility(self.visibility)

    @property
    def is_open(self) -> bool:
        return self.status in (TryStatus.PLANNING.value, TryStatus.TRYING.value)


class TrySpark(db.Model):
    """What sparked a try. The spark's source school is recorded when it is made, so the
    spread stays drawn when the video is deleted or the host moves school."""

    __tablename__ = "try_sparks"
    __table_args__ = (
        one_of("kind", SparkKind, "kind_known"),
        Index("ix_try_sparks_video", "video_id"),
        Index("ix_try_sparks_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    try_id: Mapped[int] = mapped_column(ForeignKey("tries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The video watched (for a collection item, the item's video): lineage follows it.
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    collection_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection_items.id", ondelete="SET NULL"))
    source_school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    try_: Mapped[Try] = relationship(back_populates="sparks")
    video: Mapped[Video | None] = relationship()
    booking = relationship("Booking")
    collection_item = relationship("CollectionItem")
    source_school: Mapped[School | None] = relationship()


class CheckIn(db.Model):
    """A dated note on a try: what happened, the evidence, what I will adjust."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    try_id: Mapped[int] = mapped_column(ForeignKey("tries.id", ondelete="CASCADE"), index=True)
    # "on" is a reserved word in SQL; the column is named so that raw SQL never trips on it.
    on: Mapped[date] = mapped_column("on_date", Date)
    what_happened: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    adjust: Mapped[str] = mapped_column(Text, default="")
    # An optional photo or short clip, stored privately: only the try's owner can open it.
    media_key: Mapped[str | None] = mapped_column(String(300))
    media_type: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    try_: Mapped[Try] = relationship(back_populates="check_ins")
