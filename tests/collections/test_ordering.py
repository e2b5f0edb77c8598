"""Items keep an exact order: positions are 1..n after every add, move, reorder and removal."""
from __future__ import annotations

import pytest

from mastery_share.collections.items import (
    add_item,
    move_item,
    remove_item,
    reorder_items,
    step_item,
    update_item,
)
from mastery_share.errors import Conflict, NotFound
from tests.collections.conftest import positions


@pytest.fixture
def five(coach, make_collection, make_video):
    videos = [make_video(title=f"Video {n}") for n in range(1, 6)]
    collection = make_collection(coach, videos)
    return collection, [item_id for _, item_id in positions(collection.id)]


def _order(collection_id):
    stored = positions(collection_id)
    assert [position for position, _ in stored] == list(range(1, len(stored) + 1))
    return [item_id for _, item_id in stored]


def test_adding_appends_and_inserting_shifts_the_rest(coach, five, make_video):
    collection, ids = five
    assert _order(collection.id) == ids
    first = add_item(coach, collection.id, {"video_id": make_video().id, "position": 1})
    middle = add_item(coach, collection.id, {"video_id": make_video().id, "position": 4})
    beyond = add_item(coach, collection.id, {"video_id": make_video().id, "position": 99})
    assert _order(collection.id) == [first.id, ids[0], ids[1], middle.id, *ids[2:], beyond.id]


def test_moving_an_item_keeps_the_others_in_their_order(coach, five):
    collection, ids = five
    move_item(coach, collection.id, ids[4], 1)
    assert _order(collection.id) == [ids[4], *ids[:4]]
    move_item(coach, collection.id, ids[4], 5)
    assert _order(collection.id) == ids
    move_item(coach, collection.id, ids[1], 3)
    assert _order(collection.id) == [ids[0], ids[2], ids[1], ids[3], ids[4]]
    move_item(coach, collection.id, ids[0], 0)  # clamped to the first place
    move_item(coach, collection.id, ids[3], 2**31 - 1)  # clamped to the last
    assert _order(collection.id) == [ids[0], ids[2], ids[1], ids[4], ids[3]]


def test_stepping_up_and_down_is_the_keyboard_fallback(coach, five):
    collection, ids = five
    step_item(coach, collection.id, ids[2], -1)
    assert _order(collection.id) == [ids[0], ids[2], ids[1], ids[3], ids[4]]
    step_item(coach, collection.id, ids[0], -1)  # already first: stays
    step_item(coach, collection.id, ids[4], 1)  # already last: stays
    assert _order(collection.id) == [ids[0], ids[2], ids[1], ids[3], ids[4]]


def test_patching_a_position_moves_the_item(coach, five):
    collection, ids = five
    update_item(coach, collection.id, ids[0], {"position": 3, "note": "Third now"})
    assert _order(collection.id) == [ids[1], ids[2], ids[0], ids[3], ids[4]]


def test_reorder_sets_the_whole_order_and_must_name_every_item_once(coach, five):
    collection, ids = five
    reorder_items(coach, collection.id, list(reversed(ids)))
    assert _order(collection.id) == list(reversed(ids))
    for stale in (ids[:4], [*ids, ids[0]], [*ids[:4], 999_999]):
        with pytest.raises(Conflict):
            reorder_items(coach, collection.id, stale)
    assert _order(collection.id) == list(reversed(ids))


def test_removing_an_item_closes_the_gap(coach, five):
    collection, ids = five
    remove_item(coach, collection.id, ids[1])
    assert _order(collection.id) == [ids[0], *ids[2:]]
    remove_item(coach, collection.id, ids[0])
    remove_item(coach, collection.id, ids[4])
    assert _order(collection.id) == [ids[2], ids[3]]
    with pytest.raises(NotFound):
        remove_item(coach, collection.id, ids[1])


def test_an_item_of_another_collection_is_not_found(coach, five, make_collection, make_video):
    collection, ids = five
    other = make_collection(coach, [make_video()])
    with pytest.raises(NotFound):
        move_item(coach, other.id, ids[0], 1)
    assert _order(collection.id) == ids
