"""Who curates, who edits, and what a clip range may be."""
from __future__ import annotations

import pytest

from mastery_share.collections.curation import (
    create_collection,
    delete_collection,
    update_collection,
)
from mastery_share.collections.items import add_item, clean_clip, update_item
from mastery_share.collections.models import Collection
from mastery_share.errors import Forbidden, Invalid, NotFound
from mastery_share.extensions import db


@pytest.mark.parametrize("role,allowed", [("teacher", False), ("coach", True),
                                          ("principal", True), ("admin", True)])
def test_only_coaches_principals_and_admins_create_collections(make_user, role, allowed):
    user = make_user(role)
    if allowed:
        collection = create_collection(user, {"title": "PLC week 3", "visibility": "district"})
        assert collection.curator_id == user.id
        assert collection.district_id == user.district_id
    else:
        with pytest.raises(Forbidden):
            create_collection(user, {"title": "PLC week 3"})


def test_a_collection_needs_a_title_and_a_known_visibility(coach):
    with pytest.raises(Invalid) as error:
        create_collection(coach, {"title": "  "})
    assert "title" in error.value.fields
    with pytest.raises(Invalid) as error:
        create_collection(coach, {"title": "PLC", "visibility": "everyone"})
    assert "visibility" in error.value.fields


def test_only_the_curator_or_an_admin_edits_a_collection(make_user, coach, make_collection,
                                                         make_video):
    collection = make_collection(coach, visibility="district")
    video = make_video()
    other_coach, principal, admin = make_user("coach"), make_user("principal"), make_user("admin")
    for outsider in (other_coach, principal):
        with pytest.raises(Forbidden):
            update_collection(outsider, collection.id, {"title": "Mine now"})
        with pytest.raises(Forbidden):
            add_item(outsider, collection.id, {"video_id": video.id})
        with pytest.raises(Forbidden):
            delete_collection(outsider, collection.id)
    update_collection(admin, collection.id, {"title": "Renamed by the admin"})
    add_item(admin, collection.id, {"video_id": video.id})
    assert db.session.get(Collection, collection.id).title == "Renamed by the admin"
    delete_collection(coach, collection.id)
    assert db.session.get(Collection, collection.id) is None


def test_editing_a_collection_one_cannot_see_is_not_found(make_user, coach, make_collection):
    collection = make_collection(coach, visibility="private")
    with pytest.raises(NotFound):
        update_collection(make_user("coach"), collection.id, {"title": "x"})


@pytest.mark.parametrize("start,end,duration,expected", [
    (None, None, 60.0, (None, None)),
    (0, 10, 60.0, (0.0, 10.0)),
    (5.5, None, 60.0, (5.5, None)),
    (None, 30, 60.0, (None, 30.0)),
    ("12.25", "40", 60.0, (12.25, 40.0)),
    (10, 60.1, 60.0, (10.0, 60.0)),  # the player's last frame: clamped to the duration
    (10, 500, None, (10.0, 500.0)),  # duration unknown: only the order is checked
])
def test_valid_clip_ranges(start, end, duration, expected):
    assert clean_clip(start, end, duration) == expected


@pytest.mark.parametrize("start,end,duration,field", [
    (-1, None, 60.0, "start_s"),
    (10, 10, 60.0, "end_s"),
    (20, 10, 60.0, "end_s"),
    (None, 0, 60.0, "end_s"),
    (60, None, 60.0, "start_s"),
    (10, 61, 60.0, "end_s"),
    ("soon", None, 60.0, "start_s"),
    (float("nan"), None, 60.0, "start_s"),
    (None, float("inf"), None, "end_s"),
])
def test_invalid_clip_ranges_name_the_field(start, end, duration, field):
    with pytest.raises(Invalid) as error:
        clean_clip(start, end, duration)
    assert field in error.value.fields


def test_items_keep_note_prompt_and_a_clip_checked_against_the_video(coach, make_collection,
                                                                     make_video):
    collection = make_collection(coach)
    video = make_video(duration_s=90.0)
    item = add_item(coach, collection.id, {"video_id": video.id, "note": "Watch the board",
                                           "prompt": "What would this look like for us?",
                                           "start_s": 12, "end_s": 45.5})
    assert (item.note, item.prompt, item.start_s, item.end_s) == (
        "Watch the board", "What would this look like for us?", 12.0, 45.5)
    with pytest.raises(Invalid):
        update_item(coach, collection.id, item.id, {"end_s": 120})
    updated = update_item(coach, collection.id, item.id, {"start_s": None, "prompt": "New?"})
    assert (updated.start_s, updated.end_s, updated.prompt, updated.note) == (
        None, 45.5, "New?", "Watch the board")


def test_a_curator_adds_only_videos_they_may_watch(coach, make_user, other_school,
                                                   make_collection, make_video):
    collection = make_collection(coach)
    elsewhere = make_user("teacher", school_=other_school)
    hidden = make_video(elsewhere, visibility="school")
    with pytest.raises(Invalid) as error:
        add_item(coach, collection.id, {"video_id": hidden.id})
    assert "video_id" in error.value.fields
    with pytest.raises(Invalid):
        add_item(coach, collection.id, {"video_id": 999_999})
