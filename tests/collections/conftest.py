"""Factories for collections: curators, watchable videos written straight to the database
(fast), and collections with items."""
from __future__ import annotations

import uuid

import pytest

from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from mastery_share.extensions import db
from mastery_share.videos.fields import practices_by_slug
from mastery_share.videos.models import Video, VideoStatus
from mastery_share.videos.release import tier_for_visibility
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)


def video_row(owner, *, title: str = "A lesson", visibility: str = "district",
              duration_s: float | None = 60.0) -> Video:
    """A ready video as processing leaves it (without media files): enough for the rules."""
    prefix = f"videos/{uuid.uuid4().hex}/"
    video = Video(owner_id=owner.id, school_id=owner.school_id, district_id=owner.district_id,
                  title=title, description="", grade_band="3-5", subject="Math",
                  visibility=visibility, media_release=True, status=VideoStatus.READY.value,
                  release_tier=tier_for_visibility(visibility),
                  progress=100, media_prefix=prefix, original_key=f"{prefix}original.mp4",
                  original_filename="lesson.mp4", original_bytes=1, duration_s=duration_s)
    video.practices = practices_by_slug(["flexible-grouping"])
    db.session.add(video)
    db.session.commit()
    return video


@pytest.fixture
def coach(make_user):
    return make_user("coach", name="Casey Coach")


@pytest.fixture
def make_video(make_user):
    """make_video(owner=None, title=..., visibility=..., duration_s=...) -> a ready Video."""
    default_owner = make_user("teacher", name="Tia Teacher")

    def factory(owner=None, **fields):
        return video_row(owner or default_owner, **fields)

    return factory


@pytest.fixture
def make_collection():
    """make_collection(curator, videos=[...], **details) -> Collection with one item per video."""

    def factory(curator, videos=(), **details):
        collection = create_collection(curator, {"title": "Flexible grouping PLC",
                                                 "visibility": "school", **details})
        for video in videos:
            add_item(curator, collection.id, {"video_id": video.id})
        db.session.expire_all()
        return collection

    return factory


def positions(collection_id: int) -> list[tuple[int, int]]:
    """(position, item id) pairs as stored, in order."""
    from sqlalchemy import select

    from mastery_share.collections.models import CollectionItem

    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(CollectionItem.position, CollectionItem.id)
        .where(CollectionItem.collection_id == collection_id)
        .order_by(CollectionItem.position))]
