"""Lineage: "Sparked by" and "Sparked" name only what the viewer may see, go back several
generations, and never loop."""
from __future__ import annotations

from sqlalchemy import update

from mastery_share.extensions import db
from mastery_share.tries.lineage import video_lineage
from mastery_share.tries.models import Try, TrySpark
from mastery_share.videos.services import delete_video
from tests.conftest import make_school
from tests.tries.conftest import video_row


def _share_back(try_, video) -> None:
    """Link a share-back as create_video does, without the media pipeline (tested elsewhere)."""
    db.session.execute(update(Try).where(Try.id == try_.id)
                       .values(share_back_video_id=video.id, status="shared_back"))
    db.session.commit()


def _names(items) -> list[tuple]:
    return [(item.kind, item.video.title if item.video else None,
             item.school.name if item.school else None, item.generation) for item in items]


def test_a_share_back_is_sparked_by_the_original_and_the_original_sparked_it(
        teacher, far_teacher, make_try):
    original = video_row(far_teacher, title="Original groups")
    try_ = make_try(teacher, original)
    back = video_row(teacher, title="My groups, adapted")
    _share_back(try_, back)

    assert _names(video_lineage(teacher, back).sparked_by) == [
        ("video", "Original groups", "South Middle School", 1)]
    sparked = video_lineage(far_teacher, original)
    assert _names(sparked.sparked) == [("video", "My groups, adapted", "North Elementary", 1)]
    assert sparked.hidden_count == 0


def test_lineage_goes_back_several_generations_as_a_chain(
        district, teacher, far_teacher, make_user, make_try):
    third = make_user("teacher", school_=make_school(district, "East High", "UTC"))
    first = video_row(far_teacher, title="Gen zero")
    second = video_row(teacher, title="Gen one")
    _share_back(make_try(teacher, first), second)
    last = video_row(third, title="Gen two")
    _share_back(make_try(third, second), last)

    assert _names(video_lineage(third, last).sparked_by) == [
        ("video", "Gen one", "North Elementary", 1),
        ("video", "Gen zero", "South Middle School", 2)]


def test_a_cycle_of_sparks_is_shown_once_and_ends(teacher, far_teacher, make_try):
    a = video_row(far_teacher, title="A")
    b = video_row(teacher, title="B")
    _share_back(make_try(teacher, a), b)
    # A later try credited to B is shared back as A itself: a loop in the data.
    looping = make_try(far_teacher, b)
    _share_back(looping, a)

    chain = _names(video_lineage(teacher, b).sparked_by)
    assert chain == [("video", "A", "South Middle School", 1)]


def test_what_the_viewer_may_not_see_is_counted_never_named(
        teacher, far_teacher, make_user, make_try):
    original = video_row(teacher, title="Open original", visibility="district")
    private_try = make_try(far_teacher, original, visibility="only_me", plan="Secret plan")
    hidden_back = video_row(far_teacher, title="Private share-back", visibility="private")
    _share_back(make_try(far_teacher, original, visibility="only_me"), hidden_back)
    readable = make_try(far_teacher, original, visibility="district", plan="Open plan")

    lineage = video_lineage(teacher, original)
    assert [(item.kind, item.try_.id) for item in lineage.sparked] == [("try", readable.id)]
    assert lineage.hidden_count == 2
    assert private_try.id not in [item.try_.id for item in lineage.sparked]
    # The owner of the hidden items sees them all.
    mine = video_lineage(far_teacher, original)
    assert mine.hidden_count == 0 and len(mine.sparked) == 3


def test_a_hidden_sparking_video_is_counted_in_sparked_by(teacher, far_teacher, make_user,
                                                          make_try):
    original = video_row(far_teacher, title="Was open", visibility="district")
    back = video_row(teacher, title="Shared back", visibility="district")
    _share_back(make_try(teacher, original), back)
    original.visibility = "private"
    db.session.commit()

    lineage = video_lineage(make_user("teacher"), back)
    assert lineage.sparked_by == [] and lineage.hidden_count == 1


def test_a_deleted_sparking_video_keeps_the_try_and_shows_as_no_longer_shared(
        teacher, far_teacher, make_try):
    original = video_row(far_teacher, title="Soon gone")
    try_ = make_try(teacher, original)
    back = video_row(teacher, title="Still here")
    _share_back(try_, back)
    delete_video(far_teacher, original.id)

    db.session.expire_all()
    assert db.session.get(Try, try_.id) is not None
    [spark] = db.session.get(Try, try_.id).sparks
    assert spark.video_id is None and spark.source_school_id == far_teacher.school_id
    assert _names(video_lineage(teacher, back).sparked_by) == [
        ("removed", None, "South Middle School", 1)]
    assert db.session.query(TrySpark).count() == 1
