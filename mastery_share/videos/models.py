"""Video, its renditions, and resumable uploads."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
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


class Visibility(str, enum.Enum):
    PRIVATE = "private"  # the owner and admins
    SCHOOL = "school"  # members of the owner's school
    DISTRICT = "district"  # members of the owner's district
    NETWORK = "network"  # every signed-in member

    @property
    def label(self) -> str:
        return {
            "private": "Only me (and admins)",
            "school": "My school",
            "district": "My district",
            "network": "Everyone on Mastery Share",
        }[self.value]


class PracticeLevel(str, enum.Enum):
    """How far into a practice a video (or an open classroom) goes: new teachers start with
    "getting started" and are never pressed into "advanced"."""

    GETTING_STARTED = "getting_started"
    REFINING = "refining"
    ADVANCED = "advanced"

    @property
    def label(self) -> str:
        return {"getting_started": "Getting started", "refining": "Refining",
                "advanced": "Advanced"}[self.value]


class VideoStatus(str, enum.Enum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    # Faces were found and the owner chooses which (at most two) stay unblurred before any
    # rendition is made (faces/); nobody else sees the video meanwhile.
    REVIEW_FACES = "review_faces"


video_practices = Table(
    "video_practices",
    db.metadata,
    Column("video_id", ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Video(db.Model):
    __tablename__ = "videos"
    __table_args__ = (
        one_of("visibility", Visibility, "visibility_known"),
        one_of("status", VideoStatus, "status_known"),
        one_of("level", PracticeLevel, "level_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint("media_release", name="media_release_attested"),
        CheckConstraint("release_tier IN ('none', 'school', 'district', 'network')",
                        name="release_tier_known"),
        Index("ix_videos_status_created", "status", "created_at"),
        # Covers the visibility rule: counting the videos a member may watch reads the index
        # alone, not every row of a district's library.
        Index("ix_videos_status_visibility", "status", "visibility", "district_id", "school_id",
              "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    grade_band: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(60))
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SCHOOL.value)
    level: Mapped[str] = mapped_column(String(16), default=PracticeLevel.GETTING_STARTED.value,
                                       server_default=PracticeLevel.GETTING_STARTED.value)
    media_release: Mapped[bool] = mapped_column(Boolean)
    # The widest media release every student shown has (videos/release.py): none, school,
    # district or network; visibility never reaches further.
    release_tier: Mapped[str] = mapped_column(String(16), default="school",
                                              server_default="school")
    # Students' faces are blurred in every rendition and the poster (faces/); the renditions
    # are then made from `blurred_key`, a master with the faces blurred, never from the
    # original, which only its owner could ever get back.
    blur_faces: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    faces_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blurred_key: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default=VideoStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    # Every stored object of the video lives under this random prefix ("videos/<hex>/"),
    # chosen before the row exists so the original is stored outside the transaction.
    media_prefix: Mapped[str] = mapped_column(String(64), unique=True)
    original_key: Mapped[str] = mapped_column(String(300))
    original_filename: Mapped[str] = mapped_column(String(255))
    original_bytes: Mapped[int] = mapped_column(BigInteger)
    poster_key: Mapped[str | None] = mapped_column(String(300))
    captions_key: Mapped[str | None] = mapped_column(String(300))
    # 'uploaded' or 'auto' (transcribed); None when there are no captions.
    captions_source: Mapped[str | None] = mapped_column(String(16))
    # The language Whisper heard (ISO 639-1, e.g. 'es'); None for uploaded captions.
    captions_language: Mapped[str | None] = mapped_column(String(16))
    # The owner reviewed the captions cue by cue (uploaded captions count as reviewed);
    # automatic ones are labelled "not yet reviewed" until then.
    captions_reviewed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # An audio description track (WebVTT, kind "descriptions") and an extended text
    # description, both written by the owner (descriptions.py).
    descriptions_key: Mapped[str | None] = mapped_column(String(300))
    text_description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Automatic transcripts: the owner may switch them off for this video.
    auto_transcripts: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # none | queued | processing | done | silent | failed | unavailable | off
    transcript_status: Mapped[str] = mapped_column(String(16), default="none",
                                                   server_default="none")
    transcript_progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    transcript_error: Mapped[str | None] = mapped_column(Text)
    # Retention (retention.py): the owner's own end, earlier than the district's; when the
    # owner was told of the coming end; when the original was deleted by the district's rule.
    retain_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retention_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    original_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Touched while a worker makes progress: a stale heartbeat means the worker died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str | None] = mapped_column(String(120))  # "host:pid" of the processing worker
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    school: Mapped[School] = relationship()
    practices: Mapped[list[Practice]] = relationship(secondary=video_practices,
                                                     order_by=Practice.position)
    renditions: Mapped[list["Rendition"]] = relationship(
        back_populates="video", cascade="all, delete-orphan", order_by="Rendition.height"
    )

    @property
    def is_ready(self) -> bool:
        return self.status == VideoStatus.READY.value

    @property
    def playable_renditions(self) -> list["Rendition"]:
        return [r for r in self.renditions if r.status == VideoStatus.READY.value]


class Rendition(db.Model):
    __tablename__ = "renditions"
    __table_args__ = (
        one_of("status", VideoStatus, "status_known"),
        db.UniqueConstraint("video_id", "label", name="uq_renditions_video_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(16))  # "360p", "720p", "1080p"
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(8))  # "encode" or "remux"
    status: Mapped[str] = mapped_column(String(16), default=VideoStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_tail: Mapped[str | None] = mapped_column(Text)
    storage_key: Mapped[str | None] = mapped_column(String(300))
    bytes: Mapped[int | None] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(40), default="video/mp4")

    video: Mapped[Video] = relationship(back_populates="renditions")


class Upload(db.Model):
    """A tus upload in progress; its bytes live in the data dir until a video claims them."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255), default="")
    filetype: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SearchQueueEntry(db.Model):
    """A change the search index must catch up with, written in the same transaction as the
    change itself (an outbox), and applied by the one index writer."""

    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: deletions are queued too
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
