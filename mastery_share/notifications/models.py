"""Notification (one row per person per event) and MailPreference (a member's choice per topic,
stored only where it differs from the topic's default)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, one_of, utcnow
from ..extensions import db
from .kinds import MailChoice, MailTopic, NotificationKind


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        one_of("kind", NotificationKind, "notification_kind"),
        # The bell's count (unread of one member) and the list (newest of one member).
        Index("ix_notifications_unread", "user_id", "read_at"),
        Index("ix_notifications_newest", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # Written for its reader at the time of the event, from what they may see then.
    text: Mapped[str] = mapped_column(String(400))
    # A path inside the app ("/videos/12?t=3.5#comment-4"), never a full address.
    url: Mapped[str] = mapped_column(String(400))
    # The video it names, if any: shown only while the reader may still watch it, and gone
    # with the video.
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"),
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def kind_enum(self) -> NotificationKind:
        return NotificationKind(self.kind)


class MailPreference(db.Model):
    __tablename__ = "mail_preferences"
    __table_args__ = (
        one_of("topic", MailTopic, "mail_topic"),
        one_of("choice", MailChoice, "mail_choice"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    choice: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class WeeklyDigest(db.Model):
    """One row per member per week a digest went out: the claim that keeps two schedulers
    (or a restarted one) from sending the same week twice."""
    __tablename__ = "weekly_digests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    week_of: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
