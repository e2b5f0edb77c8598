"""What a search page's card shows of each video it found, read as plain rows.

The cards need eight columns of a video, the names of its teacher, school and practices: as
ORM objects (a video's 44 columns, its teacher's and school's rows, practices through a
selectin load) they took about a fifth of a search page. The API's results still load whole
videos (services._visible_videos), since they list renditions and every field.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from ..accounts.models import Practice, School, User
from ..extensions import db
from ..videos.models import Video, video_practices
from ..videos.visibility import ready_among, visible_to


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class VideoCard:
    """The attributes of a Video a search card reads, under the same names."""

    id: int
    title: str
    description: str
    grade_band: str
    subject: str
    level: str
    owner: Named
    school: Named
    practices: list[Named] = field(default_factory=list)


def cards_of(viewer: User, video_ids: list[int]) -> dict[int, VideoCard]:
    """The ready videos among `video_ids` that the viewer may watch (checked again in SQL:
    the index can lag a change by a moment), as cards by id."""
    if not video_ids:
        return {}
    rows = db.session.execute(
        select(Video.id, Video.title, Video.description, Video.grade_band, Video.subject,
               Video.level, User.name, School.name)
        .join(User, User.id == Video.owner_id).join(School, School.id == Video.school_id)
        .where(ready_among(video_ids), visible_to(viewer))).all()
    practices = defaultdict(list)
    if rows:
        for video_id, name in db.session.execute(
                select(video_practices.c.video_id, Practice.name)
                .join(Practice, Practice.id == video_practices.c.practice_id)
                .where(video_practices.c.video_id.in_([row[0] for row in rows]))
                .order_by(Practice.position)):
            practices[video_id].append(Named(name))
    return {video_id: VideoCard(id=video_id, title=title, description=description or "",
                                grade_band=grade_band, subject=subject, level=level,
                                owner=Named(owner), school=Named(school),
                                practices=practices[video_id])
            for video_id, title, description, grade_band, subject, level, owner, school
            in rows}
