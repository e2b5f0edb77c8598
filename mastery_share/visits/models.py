"""Open classrooms: visit slots, bookings, reflections and personal calendar feeds."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Practice, School, User
from ..db_types import UTCDateTime, one_of, utcnow
from ..extensions import db
from ..videos.models import Video


class SlotStatus(str, enum.Enum):
    OPEN = "open"
    CANCELLED = "cancelled"


class BookingStatus(str, enum.Enum):
    CONFIRMED = "confirmed"  # holds a seat
    WAITLISTED = "waitlisted"  # promoted in arrival order when a seat frees up
    PENDING_APPROVAL = "pending_approval"  # waits for the visitor's principal; holds no seat
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"confirmed": "Confirmed", "waitlisted": "Waitlisted",
                "pending_approval": "Waiting for approval", "cancelled": "Cancelled"}[self.value]


# A booking that still counts for the visitor: it can overlap another, and it fills a month.
ACTIVE_STATUSES = (BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value,
                   BookingStatus.PENDING_APPROVAL.value)


visit_slot_practices = Table(
    "visit_slot_practices",
    db.metadata,
    Column("slot_id", ForeignKey("visit_slots.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

visit_slot_videos = Table(
    "visit_slot_videos",
    db.metadata,
    Column("slot_id", ForeignKey("visit_slots.id", ondelete="CASCADE"), primary_key=True),
    Column("video_id", ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

reflection_practices = Table(
    "reflection_practices",
    db.metadata,
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class VisitSlot(db.Model):
    """One open-classroom occurrence; a weekly series is several slots sharing `series_id`."""

    __tablename__ = "visit_slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        one_of("status", SlotStatus, "status_known"),
        # The calendar asks "what starts in this district between these times".
        Index("ix_visit_slots_district_starts", "district_id", "starts_at"),
        Index("ix_visit_slots_host_starts", "host_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    room: Mapped[str] = mapped_column(String(80), default="")
    focus: Mapped[str] = mapped_column(Text, default="")
    grade_band: Mapped[str | None] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(60))
    # A PracticeLevel value, or None for "any level": experienced visitors look for their own.
    level: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=SlotStatus.OPEN.value)
    series_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Bumped by every booking change under the slot's row lock: the lock serialises bookers
    # of one slot on both databases, and the new value is the booking's arrival number.
    booking_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # iCalendar SEQUENCE of the host's event: calendars apply only newer versions.
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    host: Mapped[User] = relationship()
    school: Mapped[School] = relationship()
    practices: Mapped[list[Practice]] = relationship(secondary=visit_slot_practices,
                                                     order_by=Practice.position)
    videos: Mapped[list[Video]] = relationship(secondary=visit_slot_videos,
                                               order_by=Video.created_at)
    bookings: Mapped[list[Booking]] = relationship(back_populates="slot",
                                                     order_by="Booking.position")

    @property
    def duration_min(self) -> int:
        return int((self.ends_at - self.starts_at) / timedelta(minutes=1))

    @property
    def is_open(self) -> bool:
        return self.status == SlotStatus.OPEN.value

    @property
    def has_started(self) -> bool:
        return self.starts_at <= utcnow()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= utcnow()


class Booking(db.Model):
    """A visitor's place on a slot. One row per visitor and slot: booking again after a
    cancellation reuses the row, so the calendar UID stays the same."""

    __tablename__ = "bookings"
    __table_args__ = (
        db.UniqueConstraint("slot_id", "visitor_id", name="uq_bookings_slot_visitor"),
        one_of("status", BookingStatus, "status_known"),
        Index("ix_bookings_slot_status_position", "slot_id", "status", "position"),
        Index("ix_bookings_visitor_status", "visitor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slots.id", ondelete="CASCADE"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    # Arrival number on the slot (its booking_seq when this booking joined): waitlist order.
    position: Mapped[int] = mapped_column(Integer)
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why a principal declined the request: told to the visitor, so a "no" can be planned around.
    decline_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reflection_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    slot: Mapped[VisitSlot] = relationship(back_populates="bookings")
    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id])
    reflection: Mapped[Reflection | None] = relationship(back_populates="booking",
                                                           uselist=False)

    @property
    def status_enum(self) -> BookingStatus:
        return BookingStatus(self.status)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Reflection(db.Model):
    """What a visitor saw and will try, written after the visit."""

    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            unique=True)
    saw: Mapped[str] = mapped_column(Text)
    will_try: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="reflection")
    practices: Mapped[list[Practice]] = relationship(secondary=reflection_practices,
                                                     order_by=Practice.position)


class CalendarFeed(db.Model):
    """A member's secret calendar subscription. The URL's token is derived from `nonce` with
    the app's secret key, so it can be shown again; only its SHA-256 is looked up.
    A new nonce revokes the old URL."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
