"""A colleague's video (shared through the real pipeline) and people at every distance from
its owner, in every role that matters for comments."""
from __future__ import annotations

import pytest

from mastery_share.accounts.models import District, User
from mastery_share.extensions import db
from tests.conftest import make_school
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)

# Who may watch a video of each visibility, hence comment on it (the owner always may).
WATCHERS = {
    "private": {"owner", "admin"},
    "school": {"owner", "same_school", "coach", "principal", "admin"},
    "district": {"owner", "same_school", "coach", "principal", "other_school", "admin"},
    "network": {"owner", "same_school", "coach", "principal", "other_school", "admin",
                "other_district"},
}


@pytest.fixture
def people(make_user, school, other_school, district):
    far_district = District(name="Far District", slug="far")
    db.session.add(far_district)
    db.session.commit()
    far_school = make_school(far_district, "Far School", "America/Los_Angeles")
    far_teacher = User(email="far@example.org", name="Far Teacher", role="teacher",
                       school=far_school, district=far_district,
                       password_hash=make_user("teacher").password_hash)
    db.session.add(far_teacher)
    db.session.commit()
    return {
        "owner": make_user("teacher", name="Olivia Owner"),
        "same_school": make_user("teacher", name="Sam Sameschool"),
        "coach": make_user("coach", name="Cora Coach"),
        "principal": make_user("principal", name="Pat Principal"),
        "other_school": make_user("teacher", school_=other_school, name="Otto Otherschool"),
        "admin": make_user("admin", name="Ada Admin"),
        "other_district": far_teacher,
    }


@pytest.fixture
def video(people, share, clips):  # noqa: F811  (fixtures)
    """Olivia's 3-second district-visible video, processed and ready."""
    made = share(people["owner"], clips.short, visibility="district")
    assert made.status == "ready", made.error
    return made
