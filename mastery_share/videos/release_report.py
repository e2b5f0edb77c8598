"""Videos shared wider than their district's rules now allow with faces unblurred.

Narrowing the district's policy never touches videos already shared (release.py): it holds for
uploads and later changes. This report shows the admin which videos the narrower rule would
refuse today, so they can ask each teacher to narrow the sharing or blur the faces.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import District, User
from ..errors import Forbidden
from ..extensions import db
from .models import Video
from .release import REACH

LISTED = 100


def _reach(column) -> ColumnElement[int]:
    return case(REACH, value=column, else_=0)


@dataclass(frozen=True)
class BeyondPolicy:
    videos: list[Video]
    total: int


def _beyond_policy(district_id: int):
    widest = select(District.widest_without_blur).where(
        District.id == district_id).scalar_subquery()
    allowed = func.min(_reach(Video.release_tier), _reach(widest))
    if db.engine.dialect.name == "postgresql":  # min() of two values is least() there
        allowed = func.least(_reach(Video.release_tier), _reach(widest))
    return (Video.district_id == district_id, Video.blur_faces.is_(False),
            _reach(Video.visibility) > allowed)


def videos_beyond_policy(admin: User) -> BeyondPolicy:
    """The admin's district's unblurred videos shared wider than their release tier or the
    district's widest sharing without blur allow, newest first (the first LISTED)."""
    if not admin.is_admin:
        raise Forbidden("Only district admins see how videos stand against the district's rules.")
    where = _beyond_policy(admin.district_id)
    total = db.session.scalar(select(func.count(Video.id)).where(*where)) or 0
    videos = list(db.session.scalars(
        select(Video).where(*where)
        .options(selectinload(Video.owner), selectinload(Video.school))
        .order_by(Video.created_at.desc(), Video.id.desc()).limit(LISTED)))
    return BeyondPolicy(videos=videos, total=total)
