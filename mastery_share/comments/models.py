"""Comments on a video at a moment of it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db_types import UTCDateTime, one_of, utcnow
from ..extensions import db


class CommentKind(str, enum.Enum):
    QUESTION = "question"  # to the teacher
    NOTE = "note"
    AFFIRMATION = "affirmation"  # a principal's or coach's recognition of the risk-taking




class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        one_of("kind", CommentKind, "kind_known"),
        CheckConstraint("at_s >= 0", name="at_not_negative"),
        Index("ix_comments_video_at", "video_id", "at_s"),
        Index("ix_comments_owner_notified", "owner_notified_at"),
        Index("ix_comments_thread_notified", "thread_notified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    at_s: Mapped[float] = mapped_column(Float, default=0.0)
    kind: Mapped[str] = mapped_column(String(16), default=CommentKind.NOTE.value)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the video's owner was told by mail (several comments arriving within minutes share
    # one message); None while waiting.
    owner_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # For a reply: when the others in its conversation were told; None while waiting. Top-level
    # comments carry their creation time here, as there is nobody else to tell.
    thread_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[User] = relationship()
    replies: Mapped[list["Comment"]] = relationship(
        cascade="all, delete-orphan", order_by="Comment.created_at")
