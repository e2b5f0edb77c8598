"""A member's public page: who they are, what they share with you, and the affirmations
their risk-taking earned (only on videos you may watch)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from ..accounts.models import User
from ..errors import NotFound
from ..extensions import db
from ..videos.models import Video
from ..videos.services import Page, VideoFilters, list_videos
from ..videos.visibility import visible_to
from .services import Affirmation, affirmations_for


@dataclass(frozen=True)
class PersonPage:
    person: User
    videos: Page
    affirmations: list[Affirmation]


def _may_see(viewer: User, person: User) -> bool:
    """Colleagues of the district, and anyone who may watch one of the person's videos."""
    if person.district_id == viewer.district_id:
        return True
    return bool(db.session.scalar(select(exists().where(
        Video.owner_id == person.id, visible_to(viewer)))))


def person_page(viewer: User, person_id: int, page: int = 1) -> PersonPage:
    """The profile of `person_id` as `viewer` may see it; NotFound for strangers."""
    person = db.session.get(User, person_id)
    if person is None or not person.active or not _may_see(viewer, person):
        raise NotFound("No such member.")
    videos = list_videos(viewer, VideoFilters(owner_id=person.id), page=page, per_page=12)
    return PersonPage(person, videos, affirmations_for(viewer, person.id))
