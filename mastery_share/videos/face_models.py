"""A face found in a video, followed through it (tracks.py), and whether its owner keeps it
unblurred (their own face or a co-teacher's: at most two per video)."""
from __future__ import annotations

import json

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..media.faces.tracks import Detection
from .models import Video

MAX_KEPT_FACES = 2


class FaceTrack(db.Model):
    __tablename__ = "face_tracks"
    __table_args__ = (UniqueConstraint("video_id", "position", name="uq_face_tracks_video_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, ... in order of appearance
    first_s: Mapped[float] = mapped_column(Float)
    last_s: Mapped[float] = mapped_column(Float)
    # [[t, x0, y0, x1, y1, score], ...] in the video's display pixels, by time.
    detections_json: Mapped[str] = mapped_column(Text)
    # A small picture of the face, unblurred: served to the video's owner only.
    thumbnail_key: Mapped[str] = mapped_column(String(300))
    keep: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    video: Mapped[Video] = relationship()

    @property
    def detections(self) -> list[Detection]:
        return [Detection(row[0], tuple(row[1:5]), row[5])  # type: ignore[arg-type]
                for row in json.loads(self.detections_json)]

    @staticmethod
    def encode(detections: list[Detection]) -> str:
        return json.dumps([[round(d.t, 3), *(round(v, 1) for v in d.box), round(d.score, 3)]
                           for d in detections])
