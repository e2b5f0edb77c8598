"""Names, titles, rooms and focus are one line of text; longer text keeps its line breaks.
The same rule answers a form (re-rendered with the message), the API (422 with `fields`),
a CSV of staff and the command line."""
from __future__ import annotations

import html

import pytest

from mastery_share.accounts.invitations import preview_staff_csv
from mastery_share.accounts.schools import create_school
from mastery_share.collections.models import Collection
from mastery_share.errors import Invalid
from mastery_share.extensions import db
from mastery_share.text_fields import ONE_LINE_MESSAGE, TEXT_MESSAGE
from mastery_share.videos.models import Video
from mastery_share.visits.models import VisitSlot
from tests.collections.conftest import video_row
from tests.conftest import csrf_token, sign_in
from tests.core.test_hostile_input import _bearer

ONE_LINE_BREAKERS = ["Ana\nDiaz", "Ana\r\nBcc: x@evil.example", "Ana\tDiaz", "Ana\x07Diaz",
                     "Ana\x1bDiaz", "Ana\u2028Diaz", "Ana\x85Diaz"]


def _page_says(response, message: str) -> bool:
    return message in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("name", ONE_LINE_BREAKERS)
def test_the_profile_form_refuses_a_name_with_a_line_break_or_control_character(
        client, teacher, name):
    sign_in(client, teacher)
    response = client.post("/profile", data={"name": name,
                                             "csrf_token": csrf_token(client, "/profile")})
    assert response.status_code in (200, 422)
    assert _page_says(response, ONE_LINE_MESSAGE)
    db.session.expire_all()
    assert db.session.get(type(teacher), teacher.id).name == teacher.name


def test_a_video_title_with_a_line_break_is_refused_on_the_form_and_in_the_api(client,
                                                                            teacher):
    video = video_row(teacher, title="Centers rotation")
    sign_in(client, teacher)
    token = csrf_token(client, f"/videos/{video.id}/edit")
    response = client.post(f"/videos/{video.id}/edit", data={
        "csrf_token": token, "title": "Centers\nrotation", "description": "Line one\nline two",
        "practices": "flexible-grouping", "grade_band": "3-5", "subject": "Math",
        "visibility": "district"})
    assert _page_says(response, ONE_LINE_MESSAGE)
    response = client.patch(f"/api/v1/videos/{video.id}", json={"title": "Centers\nrotation"},
                            headers=_bearer(client, teacher))
    assert response.status_code == 422
    assert response.json["error"]["fields"]["title"] == ONE_LINE_MESSAGE
    db.session.expire_all()
    assert db.session.get(Video, video.id).title == "Centers rotation"


def test_longer_text_keeps_line_breaks_but_refuses_other_control_characters(client, teacher):
    video = video_row(teacher, title="Centers rotation")
    headers = _bearer(client, teacher)
    response = client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                            json={"description": "Line one\r\n\tline two"})
    assert response.status_code == 200
    response = client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                            json={"description": "Bell \x07 here"})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["description"] == TEXT_MESSAGE
    db.session.expire_all()
    assert db.session.get(Video, video.id).description == "Line one\r\n\tline two"


def test_collection_titles_rooms_and_focus_refuse_control_characters_in_the_api(
        client, make_user):
    coach = make_user("coach")
    headers = _bearer(client, coach)
    response = client.post("/api/v1/collections", headers=headers,
                           json={"title": "PLC\nweek 3"})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["title"] == ONE_LINE_MESSAGE
    for field in ("room", "focus"):
        body = {"starts_at": "2030-01-07T09:00:00-06:00", "duration_min": 45, "capacity": 2,
                "focus": "Station rotation", "room": "12", field: "Room 12\nEast wing"}
        response = client.post("/api/v1/visit-slots", headers=headers, json=body)
        assert response.status_code == 422, field
        assert response.json["error"]["fields"][field] == ONE_LINE_MESSAGE
    assert db.session.query(Collection).count() == 0
    assert db.session.query(VisitSlot).count() == 0


def test_collection_and_slot_forms_show_the_message_and_store_nothing(client, make_user):
    coach = make_user("coach")
    sign_in(client, coach)
    response = client.post("/collections/new", data={
        "csrf_token": csrf_token(client, "/collections/new"), "title": "PLC\x00week",
        "visibility": "school"})
    assert response.status_code == 400  # NUL is refused before any form is read
    response = client.post("/collections/new", data={
        "csrf_token": csrf_token(client, "/collections/new"), "title": "PLC\x1bweek",
        "visibility": "school"})
    assert _page_says(response, ONE_LINE_MESSAGE)
    response = client.post("/visits/new", data={
        "csrf_token": csrf_token(client, "/visits/new"), "date": "2030-01-07",
        "start_time": "09:00", "duration_min": "45", "capacity": "2", "room": "12\t",
        "focus": "Station rotation"})
    assert _page_says(response, ONE_LINE_MESSAGE)
    assert db.session.query(Collection).count() == 0
    assert db.session.query(VisitSlot).count() == 0


def test_a_staff_csv_row_whose_name_breaks_the_line_is_marked_invalid(principal):
    [row] = preview_staff_csv(principal, principal.school_id,
                              'email,name\nnew@example.org,"Ana\nDiaz"\n')
    assert row.status == "invalid" and row.problem == ONE_LINE_MESSAGE


def test_a_school_name_from_the_command_line_must_be_one_line(app, district):
    with pytest.raises(Invalid) as refused:
        create_school(name="North\nElementary", time_zone="America/Chicago")
    assert refused.value.fields == {"name": ONE_LINE_MESSAGE}


@pytest.mark.parametrize("name", ["\u202eTom Nguyen", "Tom\u202dNguyen", "Tom \u2067Nguyen\u2069"])
def test_a_name_that_would_reverse_the_words_beside_it_is_refused_with_the_reason(
        client, teacher, name):
    from mastery_share.text_fields import DIRECTION_MESSAGE

    sign_in(client, teacher)
    response = client.post("/profile", data={"name": name,
                                             "csrf_token": csrf_token(client, "/profile")})
    assert _page_says(response, DIRECTION_MESSAGE)
    db.session.expire_all()
    assert db.session.get(type(teacher), teacher.id).name == teacher.name
    # Right-to-left names need no such character and are kept as typed.
    response = client.post("/profile", data={"name": "\u05d3\u05e0\u05d4 Cohen",
                                             "csrf_token": csrf_token(client, "/profile")})
    db.session.expire_all()
    assert db.session.get(type(teacher), teacher.id).name == "\u05d3\u05e0\u05d4 Cohen"
