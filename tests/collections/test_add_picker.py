"""The "Add a video" picker on the collection page: a GET search over the videos the curator
may watch (title, teacher, practice), a practice filter, pages, and videos already in the
collection marked."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from mastery_share.collections.models import CollectionItem
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.videos.fields import practices_by_slug
from tests.conftest import csrf_token, sign_in


def _titles(page: str) -> list[str]:
    """The titles offered as choices, in order."""
    return [html.unescape(title) for title in
            re.findall(r'<span class="picker-title">([^<]*)</span>', page)]


def _picker(client, collection_id: int, **args) -> str:
    response = client.get(f"/collections/{collection_id}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_older_video_beyond_the_newest_hundred_is_found_by_a_title_word(
        client, coach, make_video, make_collection):
    older = make_video(title="Exit tickets for algebra")
    older.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    for number in range(101):
        make_video(title=f"Newer lesson {number}")
    collection = make_collection(coach)
    sign_in(client, coach)

    assert "Exit tickets for algebra" not in _picker(client, collection.id)
    assert _titles(_picker(client, collection.id, q="TICKETS")) == ["Exit tickets for algebra"]

    # The add form posts back with the search, and the found video is added.
    page = _picker(client, collection.id, q="tickets")
    action = html.unescape(re.search(r'<form method="post" novalidate\s+action="([^"]+)"',
                                     page).group(1))
    assert action == f"/collections/{collection.id}/items?q=tickets"
    response = client.post(action, data={"csrf_token": csrf_token(client, "/collections"),
                                         "video_id": older.id, "note": "Watch the exit"})
    assert response.status_code == 302
    item = db.session.query(CollectionItem).one()
    assert (item.video_id, item.note) == (older.id, "Watch the exit")


def test_the_picker_never_offers_a_video_the_curator_may_not_watch(
        client, coach, make_user, other_school, make_video, make_collection):
    elsewhere = make_user("teacher", school_=other_school, name="Tess Tickets")
    hidden = [make_video(elsewhere, title="Tickets kept private", visibility="private"),
              make_video(elsewhere, title="Tickets for their school", visibility="school")]
    make_video(elsewhere, title="Tickets for the district", visibility="district")
    collection = make_collection(coach)
    sign_in(client, coach)

    for args in ({}, {"q": "tickets"}, {"q": "tess"}, {"practice": "flexible-grouping"}):
        page = _picker(client, collection.id, **args)
        assert _titles(page) == ["Tickets for the district"], args
        assert "kept private" not in page and "for their school" not in page
        assert "1 video" in page
    response = client.post(f"/collections/{collection.id}/items?q=tickets", data={
        "csrf_token": csrf_token(client, "/collections"), "video_id": hidden[0].id})
    assert response.status_code == 422
    assert "you cannot watch it" in response.get_data(as_text=True)
    assert "kept private" not in response.get_data(as_text=True)
    assert db.session.query(CollectionItem).count() == 0


def test_the_picker_finds_by_teacher_and_practice_and_filters_by_practice(
        client, coach, make_user, make_video, make_collection):
    ruiz = make_user("teacher", name="Ana Ruiz")
    goals = make_video(ruiz, title="Monday conferences")
    goals.practices = practices_by_slug(["goal-setting"])
    make_video(title="Math centers 100% on task")
    db.session.commit()
    collection = make_collection(coach)
    sign_in(client, coach)

    assert _titles(_picker(client, collection.id, q="ruiz")) == ["Monday conferences"]
    assert _titles(_picker(client, collection.id, q="goal-setting")) == ["Monday conferences"]
    assert _titles(_picker(client, collection.id, q="ana conferences")) == ["Monday conferences"]
    assert _titles(_picker(client, collection.id, q="ruiz centers")) == []
    assert _titles(_picker(client, collection.id, practice="goal-setting")) == [
        "Monday conferences"]
    assert _titles(_picker(client, collection.id, q="100%")) == ["Math centers 100% on task"]
    nothing = _picker(client, collection.id, q="m_nday")  # _ and % are not wildcards
    assert _titles(nothing) == [] and "No videos you can watch match" in nothing


def test_videos_already_in_the_collection_are_marked(client, coach, make_video,
                                                    make_collection):
    inside = make_video(title="Inside")
    make_video(title="Outside")
    collection = make_collection(coach, [inside])
    sign_in(client, coach)
    page = _picker(client, collection.id)
    choices = dict(re.findall(
        r'<span class="picker-title">([^<]*)</span>(.*?)</label>', page, flags=re.DOTALL))
    assert "Already in this collection (item 1)" in choices["Inside"]
    assert "Already in this collection" not in choices["Outside"]


def test_more_results_pages_through_the_matches(client, coach, make_video, make_collection):
    for number in range(12):
        make_video(title=f"Centers {number:02d}")
    make_video(title="Something else")
    collection = make_collection(coach)
    sign_in(client, coach)

    first = _picker(client, collection.id, q="centers")
    assert len(_titles(first)) == 10 and "12 videos found" in first
    more = html.unescape(re.search(r'href="([^"]+)">More results', first).group(1))
    assert more == f"/collections/{collection.id}?q=centers&page=2#add-video"
    second = client.get(more).get_data(as_text=True)
    assert _titles(second) == ["Centers 01", "Centers 00"]
    assert ">Previous<" in second and "More results" not in second
    # A page past the end (a stale link) shows the last page instead of nothing.
    assert _titles(_picker(client, collection.id, q="centers", page="9")) == _titles(second)


def test_adding_without_choosing_a_video_keeps_the_search_and_says_why(
        client, coach, make_video, make_collection):
    make_video(title="Centers rotation")
    collection = make_collection(coach)
    sign_in(client, coach)
    response = client.post(f"/collections/{collection.id}/items?q=rotation", data={
        "csrf_token": csrf_token(client, "/collections"), "note": "kept"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a video." in page and 'href="#video_id"' in page
    assert _titles(page) == ["Centers rotation"] and 'value="rotation"' in page
    assert re.search(r">\s*kept</textarea>", page)
