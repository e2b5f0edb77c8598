"""Levels for new and experienced teachers: a video's level (forms, pages, browse), an open
classroom's level (form, page, API), the practices a member is new to (profile), and the
practice page's "Start here" and "Go further" blocks."""
from __future__ import annotations

import io
import re

import pytest

from mastery_share.accounts.practices import set_new_to_practices
from mastery_share.accounts.services import update_profile
from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from mastery_share.errors import Invalid
from mastery_share.extensions import db
from mastery_share.transaction import commit
from mastery_share.videos.fields import practices_by_slug
from mastery_share.videos.models import Video
from mastery_share.videos.services import update_video
from mastery_share.visits.models import VisitSlot
from mastery_share.visits.slots import create_slots
from tests.collections.conftest import video_row
from tests.conftest import bearer_headers as bearer
from tests.conftest import csrf_token, sign_in
from tests.query_count import statements_of_get
from tests.videos.conftest import DETAILS, clips  # noqa: F401  (the real upload pipeline)
from tests.visits.conftest import local_start

PRACTICE = "flexible-grouping"


def leveled(owner, title: str, level: str = "getting_started", *, visibility: str = "district",
            practice: str = PRACTICE) -> Video:
    video = video_row(owner, title=title, visibility=visibility)
    video.level = level
    video.practices = practices_by_slug([practice])
    db.session.commit()
    return video


def open_classroom(host, level: str | None, *, days_ahead: int = 5, hour: int = 9,
                   practice: str = PRACTICE) -> VisitSlot:
    return create_slots(host, {"starts_at": local_start(host.school, days_ahead, hour),
                               "duration_min": 45, "capacity": 3, "focus": f"{level} groups",
                               "practices": [practice], "level": level})[0]


def new_to(user, *slugs: str) -> None:
    set_new_to_practices(user, slugs)
    commit()


# ---- a video's level -----------------------------------------------------------------------

def test_the_share_form_offers_the_level_with_a_hint(client, teacher):
    sign_in(client, teacher)
    page = client.get("/videos/new").get_data(as_text=True)
    assert 'name="level"' in page
    assert '<option selected value="getting_started">Getting started</option>' in page
    assert "Refining" in page and "Advanced" in page and 'id="level-help"' in page


def test_a_video_shared_through_the_form_keeps_its_level(client, teacher, clips):  # noqa: F811
    sign_in(client, teacher)
    token = csrf_token(client, "/videos/new")
    response = client.post("/videos/new", data={
        **DETAILS, "csrf_token": token, "release_tier": "district", "level": "advanced",
        "file": (io.BytesIO(clips.short.read_bytes()), "class.mp4")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Level: Advanced" in response.get_data(as_text=True)
    assert db.session.query(Video).one().level == "advanced"


def test_an_unknown_level_is_refused_by_the_edit_form_and_the_service(client, teacher):
    video = leveled(teacher, "Groups")
    with pytest.raises(Invalid) as refused:
        update_video(teacher, video.id, {"level": "expert"})
    assert "level" in refused.value.fields
    sign_in(client, teacher)
    edit_page = f"/videos/{video.id}/edit"
    response = client.post(edit_page, data={
        "csrf_token": csrf_token(client, edit_page), "title": "Groups", "practices": [PRACTICE],
        "grade_band": "3-5", "subject": "Math", "visibility": "district", "level": "expert"})
    assert 'id="level-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Video, video.id).level == "getting_started"
    client.post(edit_page, data={
        "csrf_token": csrf_token(client, edit_page), "title": "Groups", "practices": [PRACTICE],
        "grade_band": "3-5", "subject": "Math", "visibility": "district", "level": "refining"})
    db.session.expire_all()
    assert db.session.get(Video, video.id).level == "refining"


def test_browse_filters_by_level_and_cards_and_the_watch_page_show_it(client, teacher):
    leveled(teacher, "First groups")
    advanced = leveled(teacher, "Self-running groups", "advanced")
    sign_in(client, teacher)
    page = client.get("/videos?level=advanced").get_data(as_text=True)
    assert "Self-running groups" in page and "First groups" not in page
    assert '<option value="advanced" selected>Advanced</option>' in page
    assert 'class="level-tag">Advanced<' in page
    unfiltered = client.get("/videos?level=bogus").get_data(as_text=True)
    assert "First groups" in unfiltered and "Self-running groups" in unfiltered
    watch = client.get(f"/videos/{advanced.id}").get_data(as_text=True)
    assert "Level: Advanced" in watch


# ---- an open classroom's level -------------------------------------------------------------

def test_the_open_classroom_form_saves_an_optional_level_shown_on_its_page(client, teacher):
    sign_in(client, teacher)
    token = csrf_token(client, "/visits/new")
    day = local_start(teacher.school, 6).date().isoformat()
    form = {"csrf_token": token, "date": day, "start_time": "10:30", "duration_min": "40",
            "capacity": "4", "focus": "Groups that run", "practices": [PRACTICE],
            "repeat_weekly": "0"}
    response = client.post("/visits/new", data={**form, "level": "refining"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<dt[^>]*>Level</dt>\s*<dd[^>]*>Refining</dd>", page)
    anyone = client.post("/visits/new", data={**form, "start_time": "13:00", "level": ""})
    assert "Any level" in client.get(anyone.headers["Location"]).get_data(as_text=True)
    refused = client.post("/visits/new", data={**form, "start_time": "14:00", "level": "expert"})
    assert refused.status_code == 422


def test_the_visits_api_takes_returns_and_filters_by_level(client, teacher, make_user):
    headers = bearer(client, teacher)
    created = client.post("/api/v1/visit-slots", headers=headers, json={
        "starts_at": local_start(teacher.school, 4).isoformat(), "duration_min": 45,
        "capacity": 3, "focus": "Groups", "practices": [PRACTICE], "level": "advanced"})
    assert created.status_code == 201
    slot = created.get_json()["items"][0]
    assert slot["level"] == "advanced"
    open_classroom(make_user("teacher"), "getting_started")
    open_classroom(make_user("teacher"), None, hour=13)
    listed = client.get("/api/v1/visit-slots", headers=headers, query_string={"level": "advanced"})
    assert sorted(str(item["level"]) for item in listed.get_json()["items"]) == ["None", "advanced"]
    edited = client.patch(f"/api/v1/visit-slots/{slot['id']}", headers=headers,
                          json={"level": None})
    assert edited.get_json()["level"] is None
    refused = client.patch(f"/api/v1/visit-slots/{slot['id']}", headers=headers,
                           json={"level": "expert"})
    assert refused.status_code == 422


# ---- practices I'm new to ------------------------------------------------------------------

def test_the_profile_saves_the_practices_i_am_new_to(client, teacher):
    sign_in(client, teacher)
    response = client.post("/profile", data={
        "csrf_token": csrf_token(client, "/profile"), "name": teacher.name,
        "new_to": [PRACTICE, "goal-setting"]}, follow_redirects=True)
    assert "Your profile is saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert {p.slug for p in db.session.get(type(teacher), teacher.id).new_to_practices} == {
        PRACTICE, "goal-setting"}
    page = client.get("/profile").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{PRACTICE}"', page)
    client.post("/profile", data={"csrf_token": csrf_token(client, "/profile"),
                                  "name": teacher.name})
    db.session.expire_all()
    assert db.session.get(type(teacher), teacher.id).new_to_practices == []


def test_an_unknown_practice_is_refused_and_nothing_changes(teacher):
    new_to(teacher, PRACTICE)
    with pytest.raises(Invalid):
        update_profile(teacher, name="T", grade_bands=[], subjects=[],
                       new_to_practices=["not-a-practice"])
    db.session.rollback()
    assert [p.slug for p in teacher.new_to_practices] == [PRACTICE]


# ---- the practice page ---------------------------------------------------------------------

@pytest.fixture
def path(coach, make_user, other_school):
    """The district's Start-here path of the practice: a watchable video, one its owner made
    private after it was added (no one else may watch it now), and another watchable one, in
    that order."""
    author = make_user("teacher", name="Ada Author")
    stranger = make_user("teacher", school_=other_school)
    hidden = leveled(stranger, "Hidden private step")
    videos = [leveled(author, "Step one: two groups"), hidden,
              leveled(author, "Step two: rotating groups", "refining")]
    collection = create_collection(coach, {"title": "Grouping from zero", "visibility": "district",
                                           "start_here_for": PRACTICE})
    for video in videos:
        add_item(coach, collection.id, {"video_id": video.id})
    hidden.visibility = "private"
    db.session.commit()
    return collection


def test_a_member_new_to_the_practice_sees_start_here_first(client, teacher, path, make_user):
    leveled(make_user("teacher"), "Small first groups")
    leveled(make_user("teacher"), "Advanced group contracts", "advanced")
    new_to(teacher, PRACTICE)
    sign_in(client, teacher)
    page = client.get(f"/practices/{PRACTICE}").get_data(as_text=True)
    assert "Start here" in page and "Go further" not in page
    assert page.index("Start here") < page.index("See it live")
    assert page.index("Step one: two groups") < page.index("Step two: rotating groups")
    assert "Grouping from zero" in page and "Small first groups" in page
    assert "Advanced group contracts" not in page
    assert "Hidden private step" not in page


def test_everyone_else_sees_go_further_videos_and_classrooms(client, teacher, path, make_user):
    leveled(make_user("teacher"), "Small first groups")
    leveled(make_user("teacher"), "Advanced group contracts", "advanced")
    leveled(make_user("teacher", school_=path.curator.school), "Private contracts", "advanced",
            visibility="private")
    for level, hour in (("getting_started", 8), ("advanced", 10), (None, 13)):
        open_classroom(make_user("teacher", name=f"Host {level}"), level, hour=hour)
    sign_in(client, teacher)
    page = client.get(f"/practices/{PRACTICE}").get_data(as_text=True)
    further = page[page.index('id="go-further-heading"'):page.index("See it live")]
    assert "Start here" not in further
    assert "Advanced group contracts" in further and "Step two: rotating groups" in further
    assert "Small first groups" not in further and "Private contracts" not in page
    assert "Host advanced" in further and "Host None" in further
    assert "Host getting_started" not in further


def test_each_block_says_what_to_do_when_it_is_empty(client, teacher, coach):
    sign_in(client, teacher)
    page = client.get(f"/practices/{PRACTICE}").get_data(as_text=True)
    assert "No refining or advanced videos" in page and "No refining or advanced open" in page
    new_to(teacher, PRACTICE)
    page = client.get(f"/practices/{PRACTICE}").get_data(as_text=True)
    assert "No Start-here path yet: ask your coach" in page
    assert "No getting-started videos" in page


def test_the_practice_page_runs_a_fixed_number_of_queries(client, teacher, path, coach,
                                                         make_user):
    new_to(teacher, PRACTICE)
    sign_in(client, teacher)
    page = f"/practices/{PRACTICE}"
    few = statements_of_get(client, page)
    for n in range(4):
        video = leveled(make_user("teacher"), f"More grouping {n}")
        add_item(coach, path.id, {"video_id": video.id})
    assert statements_of_get(client, page) == few
    new_to(teacher)
    # One of each first: an empty list skips its loading queries altogether.
    leveled(make_user("teacher"), "Deeper grouping", "advanced")
    open_classroom(make_user("teacher"), "refining", hour=7)
    few = statements_of_get(client, page)
    for n in range(4):
        leveled(make_user("teacher"), f"Deeper grouping {n}", "advanced")
        open_classroom(make_user("teacher"), "refining", hour=8 + n)
    assert statements_of_get(client, page) == few
