"""Factories for the try loop: teachers in two schools, videos to spark from, tries."""
from __future__ import annotations

import pytest

from mastery_share.tries.services import start_try
from tests.collections.conftest import video_row  # noqa: F401  (re-exported for try tests)


@pytest.fixture
def coach(make_user):
    return make_user("coach", name="Casey Coach")


@pytest.fixture
def far_teacher(make_user, other_school):
    """A teacher of another school of the same district."""
    return make_user("teacher", school_=other_school, name="Farah Far")


@pytest.fixture
def make_try():
    """make_try(teacher, video=None, visibility='leaders', practice='flexible-grouping', **raw)."""

    def factory(teacher, video=None, *, visibility: str = "leaders",
                practice: str = "flexible-grouping", **raw):
        sparks = [{"video_id": video.id}] if video is not None else []
        return start_try(teacher, {"practice": practice, "plan": raw.pop("plan", "Try groups"),
                                   "visibility": visibility, "sparks": sparks, **raw})

    return factory


def past_visit(host, visitor, *, days_ago: int = 2, status: str = "confirmed"):
    """A visit to `host`'s classroom that took place, with `visitor`'s booking on it."""
    from datetime import timedelta

    from mastery_share.db_types import utcnow
    from mastery_share.extensions import db
    from mastery_share.videos.fields import practices_by_slug
    from mastery_share.visits.models import Booking, VisitSlot

    starts = utcnow() - timedelta(days=days_ago)
    slot = VisitSlot(host_id=host.id, school_id=host.school_id, district_id=host.district_id,
                     starts_at=starts, ends_at=starts + timedelta(minutes=45), capacity=3,
                     focus="Station rotation")
    slot.practices = practices_by_slug(["flexible-grouping"])
    booking = Booking(slot=slot, visitor_id=visitor.id, status=status, position=1)
    db.session.add_all([slot, booking])
    db.session.commit()
    return booking
