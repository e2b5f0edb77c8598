"""Sharing back: a video shared from a try is linked to it exactly once, even from two tabs
at the same moment, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mastery_share.accounts.models import District, School, User
from mastery_share.errors import Conflict, NotFound
from mastery_share.extensions import db
from mastery_share.tries.models import Try
from mastery_share.tries.services import start_try
from mastery_share.videos.models import Video
from mastery_share.videos.services import create_video
from mastery_share.videos.storage_access import media_storage
from tests.postgres import migrated_postgres_app
from tests.videos.conftest import DETAILS, clips  # noqa: F401  (session fixture)


def _share(owner_id: int, try_id: int, source: Path) -> int:
    owner = db.session.get(User, owner_id)
    return create_video(owner, {**DETAILS, "try_id": try_id}, source=source,
                        filename="back.mp4").id


def test_sharing_back_links_the_video_and_marks_the_try_shared_back(teacher, clips):  # noqa: F811
    try_ = start_try(teacher, {"practice": "flexible-grouping", "plan": "Try groups"})
    video_id = _share(teacher.id, try_.id, clips.short)
    db.session.expire_all()
    shared = db.session.get(Try, try_.id)
    assert (shared.status, shared.share_back_video_id) == ("shared_back", video_id)
    assert shared.shared_back_at is not None


def test_sharing_back_someone_elses_try_is_not_found_and_stores_nothing(
        teacher, make_user, clips):  # noqa: F811
    try_ = start_try(teacher, {"practice": "flexible-grouping", "plan": "Try groups"})
    with pytest.raises(NotFound):
        _share(make_user("teacher").id, try_.id, clips.short)
    assert db.session.scalar(select(func.count()).select_from(Video)) == 0


def _race(app, owner_id: int, try_id: int, source: Path) -> list:
    results: list = [None, None]
    barrier = threading.Barrier(2)

    def run(index: int) -> None:
        with app.app_context():
            try:
                db.session.get(User, owner_id)
                db.session.rollback()  # hold no connection while waiting at the barrier
                barrier.wait(timeout=30)
                results[index] = _share(owner_id, try_id, source)
            except Exception as error:  # noqa: BLE001 - the test reports what each got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def _check_exactly_one_link(results: list, try_id: int) -> None:
    videos = [r for r in results if isinstance(r, int)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(videos) == 1 and len(conflicts) == 1, results
    db.session.expire_all()
    assert db.session.get(Try, try_id).share_back_video_id == videos[0]
    # The losing tab's video was rolled back with its stored original.
    assert list(db.session.scalars(select(Video.id))) == videos
    folders = {path.name for path in (media_storage().root / "videos").iterdir()
               if any(path.iterdir())}
    assert folders == {db.session.get(Video, videos[0]).media_prefix.split("/")[1]}


@pytest.mark.embedded("counts the video folders on the local disk")
def test_two_tabs_sharing_back_one_try_at_once_link_one_video(app, teacher, clips):  # noqa: F811
    try_ = start_try(teacher, {"practice": "flexible-grouping", "plan": "Try groups"})
    _check_exactly_one_link(_race(app, teacher.id, try_.id, clips.short), try_.id)


@pytest.mark.postgres
def test_two_tabs_sharing_back_one_try_at_once_link_one_video_on_postgresql(tmp_path, clips):  # noqa: F811
    with migrated_postgres_app(tmp_path) as app:
        district = District(name="Race", slug="race")
        school = School(name="Race School", time_zone="UTC", district=district)
        owner = User(email="racer@example.org", name="Racer", role="teacher",
                     district=district, school=school)
        db.session.add_all([district, school, owner])
        db.session.commit()
        try_ = start_try(owner, {"practice": "flexible-grouping", "plan": "Try groups"})
        _check_exactly_one_link(_race(app, owner.id, try_.id, clips.short), try_.id)
