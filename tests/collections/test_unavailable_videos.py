"""A video deleted or made private shows as unavailable in a collection: the collection
still works, and the video's title, poster and URLs never leak (pages and API)."""
from __future__ import annotations

import pytest

from mastery_share.collections.presentation import item_views
from mastery_share.collections.sharing import get_collection
from mastery_share.videos.services import delete_video, update_video
from tests.conftest import bearer_headers, csrf_token, sign_in


@pytest.fixture
def mixed(coach, make_user, make_collection, make_video):
    owner = make_user("teacher", name="Olive Owner")
    kept = make_video(owner, title="Exit tickets that drive groups")
    deleted = make_video(owner, title="SECRET-DELETED lesson")
    hidden = make_video(owner, title="SECRET-PRIVATE lesson")
    collection = make_collection(coach, [kept, deleted, hidden], visibility="school")
    delete_video(owner, deleted.id)
    update_video(owner, hidden.id, {"visibility": "private"})
    return collection, owner


def test_items_of_deleted_and_private_videos_are_unavailable_but_kept(coach, mixed):
    collection, _ = mixed
    views = item_views(coach, get_collection(coach, collection.id))
    assert [view.item.position for view in views] == [1, 2, 3]
    assert [view.available for view in views] == [True, False, False]
    assert views[1].item.video_id is None  # ON DELETE SET NULL


@pytest.mark.parametrize("path", ["", "/present", "/agenda"])
def test_pages_show_unavailable_without_the_title(client, teacher, mixed, path):
    collection, _ = mixed
    sign_in(client, teacher)
    response = client.get(f"/collections/{collection.id}{path}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Exit tickets that drive groups" in page
    assert "SECRET" not in page
    assert page.count("This video is no longer available") >= 2


def test_the_owner_still_sees_their_private_video_in_the_collection(client, mixed):
    collection, owner = mixed
    sign_in(client, owner)
    page = client.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert "SECRET-PRIVATE lesson" in page
    assert "SECRET-DELETED" not in page


def test_the_api_returns_no_video_id_or_title_for_unavailable_items(client, teacher, mixed):
    from tests.collections.test_api import bearer

    collection, _ = mixed
    body = client.get(f"/api/v1/collections/{collection.id}", headers=bearer(client, teacher)).json
    assert [item["available"] for item in body["items"]] == [True, False, False]
    assert [item["video_id"] is None for item in body["items"]] == [False, True, True]
    assert body["items"][1]["video"] is None and body["items"][2]["video"] is None
    assert "SECRET" not in str(body)


def test_a_collection_never_shows_a_video_to_someone_who_may_not_watch_it(
        client, coach, make_user, other_school, make_collection, make_video):
    """A school-only video in a district-wide collection stays hidden from other schools."""
    school_only = make_video(make_user("teacher"), title="SCHOOL-ONLY lesson", visibility="school")
    collection = make_collection(coach, [school_only], visibility="district")
    outsider = make_user("teacher", school_=other_school)
    sign_in(client, outsider)
    page = client.get(f"/collections/{collection.id}/present").get_data(as_text=True)
    assert "SCHOOL-ONLY" not in page
    assert "/media/" not in page
    assert "This video is no longer available" in page


def test_lists_count_only_the_videos_the_member_may_watch(client, coach, teacher, mixed):
    """Of three items (one video deleted, one made private) a colleague's lists say 1 video:
    how many the collection holds for someone else is not theirs to know. The video's owner,
    who may still watch the private one, is told 2."""
    collection, owner = mixed
    sign_in(client, teacher)
    listed = client.get("/collections").get_data(as_text=True)
    assert "1 video" in listed and "3 videos" not in listed and "2 videos" not in listed
    assert "1 video" in client.get("/").get_data(as_text=True)
    shared = client.get("/api/v1/collections?scope=shared",
                        headers=bearer_headers(client, teacher)).json["collections"]
    assert [(c["id"], c["item_count"]) for c in shared] == [(collection.id, 1)]
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, owner)
    assert "2 videos" in client.get("/collections").get_data(as_text=True)
