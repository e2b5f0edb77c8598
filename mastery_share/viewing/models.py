"""One play of a video by a member."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class VideoView(db.Model):
    """A play: started when the viewer pressed play, `watched_s` the seconds actually played
    (not the position reached: a seek to the end watches nothing)."""

    __tablename__ = "video_views"
    __table_args__ = (
        CheckConstraint("watched_s >= 0", name="watched_not_negative"),
        Index("ix_video_views_video_started", "video_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    watched_s: Mapped[float] = mapped_column(Float, default=0.0)

    viewer: Mapped[User] = relationship()
