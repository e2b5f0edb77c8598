"""The collection pages: create, add from a video page or search, reorder without script,
edit a clip, PLC mode and the printable agenda."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import event

from mastery_share.collections.models import Collection, CollectionItem
from mastery_share.extensions import db
from tests.collections.conftest import positions
from tests.conftest import csrf_token, sign_in
from tests.query_count import statements_of_get


def test_a_teacher_cannot_open_the_new_collection_form(client, teacher):
    sign_in(client, teacher)
    assert client.get("/collections/new").status_code == 403
    page = client.get("/collections").get_data(as_text=True)
    assert "New collection" not in page


def test_a_coach_creates_a_collection_through_the_form(client, coach):
    sign_in(client, coach)
    response = client.post("/collections/new", data={
        "csrf_token": csrf_token(client, "/collections/new"), "title": "Week 12 PLC",
        "purpose": "Grouping", "meeting_date": "2026-12-03", "visibility": "district"})
    assert response.status_code == 302
    collection = db.session.query(Collection).one()
    assert (collection.title, collection.visibility, str(collection.meeting_date)) == (
        "Week 12 PLC", "district", "2026-12-03")
    empty = client.post("/collections/new", data={
        "csrf_token": csrf_token(client, "/collections/new"), "title": ""})
    assert empty.status_code == 422


def test_add_to_collection_from_the_video_page_into_a_new_collection(client, coach, make_video):
    video = make_video(title="Math centers")
    sign_in(client, coach)
    watch = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "Add to a collection" in watch
    response = client.post("/collections/add-video", data={
        "csrf_token": csrf_token(client, f"/videos/{video.id}"), "video_id": video.id,
        "collection_id": "new", "new_title": "Centers PLC", "next": f"/videos/{video.id}"})
    assert response.status_code == 302 and response.location.endswith(f"/videos/{video.id}")
    collection = db.session.query(Collection).one()
    assert collection.title == "Centers PLC"
    assert [item.video_id for item in collection.items] == [video.id]


def test_add_to_collection_never_redirects_off_site(client, coach, make_video, make_collection):
    video = make_video()
    collection = make_collection(coach)
    sign_in(client, coach)
    response = client.post("/collections/add-video", data={
        "csrf_token": csrf_token(client, "/collections"), "video_id": video.id,
        "collection_id": collection.id, "next": "//evil.example/"})
    assert response.status_code == 302 and "evil" not in response.location


def test_a_teacher_sees_no_add_to_collection_control(client, teacher, make_video):
    video = make_video()
    sign_in(client, teacher)
    assert "Add to a collection" not in client.get(f"/videos/{video.id}").get_data(as_text=True)
    response = client.post("/collections/add-video", data={
        "csrf_token": csrf_token(client, f"/videos/{video.id}"), "video_id": video.id,
        "collection_id": "new"})
    assert response.status_code == 403


def test_move_buttons_reorder_without_script(client, coach, make_collection, make_video):
    collection = make_collection(coach, [make_video(title=f"V{n}") for n in range(3)])
    ids = [item_id for _, item_id in positions(collection.id)]
    sign_in(client, coach)
    path = f"/collections/{collection.id}"
    page = client.get(path).get_data(as_text=True)
    assert page.count(">Move up<") == 3 and page.count(">Move down<") == 3
    response = client.post(f"{path}/items/{ids[2]}/move",
                           data={"csrf_token": csrf_token(client, path), "direction": "up"})
    assert response.status_code == 302
    assert [item_id for _, item_id in positions(collection.id)] == [ids[0], ids[2], ids[1]]


def test_the_drag_and_drop_endpoint_needs_the_csrf_header(client, coach, make_collection,
                                                          make_video):
    collection = make_collection(coach, [make_video(), make_video()])
    ids = [item_id for _, item_id in positions(collection.id)]
    sign_in(client, coach)
    path = f"/collections/{collection.id}"
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    url = f"{path}/order"
    assert client.post(url, json={"item_ids": ids[::-1]}).status_code == 400
    response = client.post(url, json={"item_ids": ids[::-1]}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert [item_id for _, item_id in positions(collection.id)] == ids[::-1]
    stale = client.post(url, json={"item_ids": ids[:1]}, headers={"X-CSRFToken": token})
    assert stale.status_code == 409
    assert client.post(url, json={"item_ids": "x"}, headers={"X-CSRFToken": token}).status_code == 422


def test_only_the_curator_sees_editing_controls(client, coach, teacher, make_collection,
                                                make_video):
    collection = make_collection(coach, [make_video()])
    sign_in(client, teacher)
    page = client.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert "Move up" not in page and "Add a video" not in page and "Save for later" in page
    item_id = positions(collection.id)[0][1]
    assert client.get(f"/collections/{collection.id}/items/{item_id}/edit").status_code == 403


def test_the_item_form_rejects_an_end_before_the_start(client, coach, make_collection,
                                                       make_video):
    collection = make_collection(coach, [make_video(duration_s=60.0)])
    item_id = positions(collection.id)[0][1]
    sign_in(client, coach)
    path = f"/collections/{collection.id}/items/{item_id}/edit"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "note": "n",
                                       "prompt": "p", "start_s": "30", "end_s": "10"})
    assert response.status_code == 422
    assert "The clip must end after it starts" in response.get_data(as_text=True) or \
        "Must be after the start" in response.get_data(as_text=True)
    ok = client.post(path, data={"csrf_token": csrf_token(client, path), "note": "n",
                                 "prompt": "p", "start_s": "1.5", "end_s": "20"})
    assert ok.status_code == 302


def test_clip_times_are_typed_and_shown_as_minutes_and_seconds(client, coach, make_collection,
                                                              make_video):
    collection = make_collection(coach, [make_video(duration_s=600.0)])
    item_id = positions(collection.id)[0][1]
    sign_in(client, coach)
    path = f"/collections/{collection.id}/items/{item_id}/edit"
    ok = client.post(path, data={"csrf_token": csrf_token(client, path), "note": "",
                                 "prompt": "", "start_s": "1:05.5", "end_s": "150"})
    assert ok.status_code == 302
    item = db.session.get(CollectionItem, item_id)
    db.session.refresh(item)
    assert (item.start_s, item.end_s) == (65.5, 150.0)  # m:ss, and plain seconds still work
    page = client.get(path).get_data(as_text=True)
    assert 'value="1:05.5"' in page and 'value="2:30"' in page
    for typed in ("1:75", "abc", "1::2", "-3"):
        bad = client.post(path, data={"csrf_token": csrf_token(client, path), "note": "",
                                      "prompt": "", "start_s": typed, "end_s": ""})
        assert bad.status_code == 422, typed
        assert "Write the time as m:ss" in bad.get_data(as_text=True), typed
    db.session.refresh(item)
    assert item.start_s == 65.5  # nothing changed


@pytest.fixture
def real_collection(coach, make_user, share, clips, make_collection):
    """Two processed 3-second videos (real renditions), clipped and prompted."""
    from mastery_share.collections.items import update_item

    owner = make_user("teacher", name="Maria Lopez")
    first = share(owner, clips.short, title="Must-do board")
    second = share(owner, clips.short, title="Goal-setting conference")
    collection = make_collection(coach, [first, second], visibility="school")
    ids = [item_id for _, item_id in positions(collection.id)]
    update_item(coach, collection.id, ids[0], {"start_s": 1, "end_s": 2.5,
                                               "prompt": "What do learners do next?"})
    update_item(coach, collection.id, ids[1], {"prompt": "How do goals change groups?"})
    return collection


def test_plc_mode_shows_one_item_at_a_time_with_its_clip_and_prompt(client, teacher,
                                                                    real_collection):
    sign_in(client, teacher)
    page = client.get(f"/collections/{real_collection.id}/present").get_data(as_text=True)
    first, second = page.split('id="plc-item-2"')
    assert 'data-start="1.0"' in first and 'data-end="2.5"' in first
    assert "#t=1.0,2.5" in first
    assert "What do learners do next?" in first
    assert "Clip 0:01–0:02" in first
    assert "How do goals change groups?" in second and " hidden" in second.split(">")[0]
    assert 'role="timer"' in page and "Next" in page and "Previous" in page
    assert "/media/" in first  # signed media URLs for this viewer
    # Without script, ?item=2 shows the second item first.
    page2 = client.get(f"/collections/{real_collection.id}/present?item=2").get_data(as_text=True)
    assert 'id="plc-item-1" data-index="0"\n             aria-labelledby="plc-item-1-heading" hidden' in page2 \
        or re.search(r'id="plc-item-1"[^>]*hidden', page2)


def test_plc_mode_names_the_position_once_and_gives_a_bare_item_the_width(
        client, coach, make_video, make_collection):
    from mastery_share.collections.items import update_item

    collection = make_collection(coach, [make_video(title="Prompted"), make_video(title="Bare")])
    prompted_id = positions(collection.id)[0][1]
    update_item(coach, collection.id, prompted_id, {"prompt": "What would you try?"})
    sign_in(client, coach)
    page = client.get(f"/collections/{collection.id}/present").get_data(as_text=True)
    assert page.count("Item 1 of 2") == 1  # in the navigation only
    assert 'class="plc-item" id="plc-item-1"' in page
    assert 'class="plc-item is-bare" id="plc-item-2"' in page
    bare = page.split('id="plc-item-2"')[1]
    assert 'class="plc-prompt"' not in bare and 'class="plc-note"' not in bare


def test_the_agenda_lists_items_clip_times_and_prompts_for_print(client, teacher,
                                                                 real_collection):
    sign_in(client, teacher)
    page = client.get(f"/collections/{real_collection.id}/agenda").get_data(as_text=True)
    assert "Must-do board" in page and "Goal-setting conference" in page
    assert "0:01–0:02" in page
    assert "What do learners do next?" in page and "How do goals change groups?" in page
    assert "whole video (0:00–0:03)" in page
    # Each clip's absolute link at its start (the public address, not the request's host),
    # beside its QR code.
    first_id, second_id = (item.video_id for item in real_collection.items)
    assert f'href="http://127.0.0.1:5000/videos/{first_id}?t=1"' in page
    assert f'href="http://127.0.0.1:5000/videos/{second_id}"' in page
    assert page.count('class="agenda-qr"') == 2
    assert "css/collections.css" in page
    css = Path(client.application.static_folder, "css", "collections.css").read_text()
    assert "@media print" in css


def test_adding_a_hidden_video_makes_no_new_collection(client, coach, make_user, other_school,
                                                       make_video):
    hidden = make_video(make_user("teacher", school_=other_school), visibility="school")
    sign_in(client, coach)
    response = client.post("/collections/add-video", data={
        "csrf_token": csrf_token(client, "/collections"), "video_id": hidden.id,
        "collection_id": "new", "next": "/search"})
    assert response.status_code == 302 and response.location.endswith("/search")
    assert db.session.query(Collection).count() == 0


def _statements_for(client, path: str) -> int:
    from sqlalchemy import event

    engine = db.engine
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


@pytest.mark.parametrize("suffix", ["", "/present", "/agenda"])
def test_pages_run_the_same_queries_for_two_or_eight_items(client, coach, make_user,
                                                           make_collection, make_video, suffix):
    owners = [make_user("teacher") for _ in range(8)]
    small = make_collection(coach, [make_video(owner) for owner in owners[:2]])
    large = make_collection(coach, [make_video(owner) for owner in owners])
    sign_in(client, coach)
    assert (_statements_for(client, f"/collections/{small.id}{suffix}")
            == _statements_for(client, f"/collections/{large.id}{suffix}"))


def test_the_collections_page_counts_videos_without_loading_them(client, coach, make_user,
                                                                make_video, make_collection):
    """Each listed collection says how many videos it holds; more collections and more
    videos in them cost the page no more SQL statements."""
    teacher = make_user("teacher", name="Lee Listener")
    first = make_collection(coach, [make_video()], title="Week one")
    sign_in(client, teacher)
    client.post(f"/collections/{first.id}/save",
                data={"csrf_token": csrf_token(client, f"/collections/{first.id}")})
    few = statements_of_get(client, "/collections")
    assert "1 video" in client.get("/collections").get_data(as_text=True)

    for week in range(2, 6):
        more = make_collection(coach, [make_video() for _ in range(week)], title=f"Week {week}")
        client.post(f"/collections/{more.id}/save",
                    data={"csrf_token": csrf_token(client, f"/collections/{more.id}")})
    page = client.get("/collections").get_data(as_text=True)
    assert "5 videos" in page and "Week 5" in page
    assert statements_of_get(client, "/collections") == few

    # Counted in the database: no statement of the page reads the items themselves.
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get("/collections")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [statement for statement in statements
                if statement.startswith("SELECT collection_items.")]
