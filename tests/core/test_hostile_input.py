"""Inputs that once answered 500: each now gets a clear 4xx (or is read as absent), on
SQLite and PostgreSQL alike, and nothing of it is stored."""
from __future__ import annotations

import base64
import re
from contextlib import contextmanager

import pytest

from mastery_share.accounts.models import District, School, User
from mastery_share.collections.curation import create_collection
from mastery_share.collections.models import Collection
from mastery_share.comments.models import Comment
from mastery_share.extensions import db
from mastery_share.videos.models import Video
from mastery_share.visits.models import VisitSlot
from tests.collections.conftest import video_row
from tests.conftest import (
    _PASSWORD_HASH,
    PASSWORD,
    FreshContextClient,
    build_app,
    sign_in,
)
from tests.postgres import migrated_postgres_app

DEEP_JSON = "[" * 5000 + "]" * 5000
SURROGATE_JSON = '"\\ud800 lesson"'  # the JSON escape of a lone surrogate half
SURROGATE_FORM = "%ED%A0%80"  # the same half as UTF-8-style bytes in a form or URL
HUGE = "9223372036854775808"


@contextmanager
def _sqlite_app(tmp_path, template):
    app = build_app(tmp_path / "data", template)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path, migrated_template):
    """(client, coach, video) on a fresh app of each database; the coach owns the video."""
    if request.param == "sqlite":
        context = _sqlite_app(tmp_path, migrated_template)
    else:
        context = migrated_postgres_app(tmp_path / "pg")
    with context as app:
        district = District(name="Hostile District", slug="hostile")
        school = School(name="North Elementary", time_zone="America/Chicago", district=district)
        coach = User(email="coach@example.org", name="Casey Coach", role="coach", school=school,
                     district=district, password_hash=_PASSWORD_HASH)
        db.session.add_all([district, school, coach])
        db.session.commit()
        video = video_row(coach, title="Centers rotation")
        app.test_client_class = FreshContextClient
        yield app.test_client(), coach, video


def _bearer(client, user) -> dict:
    basic = base64.b64encode(f"{user.email}:{PASSWORD}".encode()).decode()
    response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.json['token']}"}


def _assert_400_json(response) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    error = response.json["error"]
    assert error["code"] == "bad_request" and error["message"]


def _json_bodies(video_id: int) -> list[tuple[str, str, str]]:
    """(method, path, JSON text with {} where the hostile string goes)."""
    return [
        ("PATCH", f"/api/v1/videos/{video_id}", '{"title": {}}'),
        ("POST", f"/api/v1/videos/{video_id}/comments", '{"at_s": 1, "body": {}}'),
        ("POST", "/api/v1/collections", '{"title": {}}'),
        ("POST", "/api/v1/visit-slots", ('{"starts_at": "2030-01-07T09:00:00-06:00", '
                                         '"duration_min": 45, "capacity": 2, "focus": {}}')),
    ]


def _nothing_stored(video: Video) -> None:
    """The video keeps its title; no comment, collection or slot was made."""
    db.session.expire_all()
    assert db.session.get(Video, video.id).title == "Centers rotation"
    assert db.session.query(Comment).count() == 0
    assert db.session.query(Collection).count() == 0
    assert db.session.query(VisitSlot).count() == 0


def test_json_nested_five_thousand_deep_is_a_400_in_the_error_shape(site):
    client, coach, video = site
    headers = {**_bearer(client, coach), "Content-Type": "application/json"}
    for method, path, _ in _json_bodies(video.id):
        _assert_400_json(client.open(path, method=method, data=DEEP_JSON, headers=headers))
    # Before any sign-in too: the body is refused before a view parses it.
    _assert_400_json(client.post("/api/v1/tokens", data=DEEP_JSON,
                                 headers={"Content-Type": "application/json"}))
    _nothing_stored(video)


@pytest.mark.parametrize("hostile", [SURROGATE_JSON, '"Centers\\u0000rotation"'],
                         ids=["lone-surrogate", "nul"])
def test_a_lone_surrogate_or_nul_in_any_json_text_is_a_400_and_nothing_is_stored(site,
                                                                                 hostile):
    client, coach, video = site
    headers = {**_bearer(client, coach), "Content-Type": "application/json"}
    for method, path, template in _json_bodies(video.id):
        response = client.open(path, method=method, data=template.replace("{}", hostile),
                               headers=headers)
        _assert_400_json(response)
        assert "not valid text" in response.json["error"]["message"]
    _nothing_stored(video)


def _form_pages(video_id: int) -> list[tuple[str, str, dict]]:
    """(form page, where it posts, its other fields) with the hostile field named by `{}`."""
    return [
        (f"/videos/{video_id}/edit", f"/videos/{video_id}/edit",
         {"title": "{}", "description": "", "practices": "flexible-grouping",
          "grade_band": "3-5", "subject": "Math", "visibility": "district"}),
        (f"/videos/{video_id}", f"/videos/{video_id}/comments",
         {"body": "{}", "at": "0:01", "kind": "note"}),
        ("/collections/new", "/collections/new", {"title": "{}", "visibility": "school"}),
        ("/visits/new", "/visits/new", {"date": "2030-01-07", "start_time": "09:00",
                                        "duration_min": "45", "capacity": "2",
                                        "focus": "{}"}),
    ]


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.mark.parametrize("hostile", [SURROGATE_FORM, "Centers%00rotation"],
                         ids=["lone-surrogate", "nul"])
def test_a_lone_surrogate_or_nul_in_a_posted_form_is_a_400_page_and_nothing_is_stored(
        site, hostile):
    client, coach, video = site
    sign_in(client, coach)
    for page, target, fields in _form_pages(video.id):
        body = "&".join([f"csrf_token={_csrf(client, page)}"] + [
            f"{name}={hostile if value == '{}' else value}" for name, value in fields.items()])
        response = client.post(target, data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, (target, response.get_data(as_text=True)[:300])
        assert "not valid text" in response.get_data(as_text=True)
    _nothing_stored(video)


def test_a_lone_surrogate_or_nul_in_a_query_string_is_a_400(site):
    client, coach, _video = site
    sign_in(client, coach)
    for query in (f"/videos?practice={SURROGATE_FORM}", "/videos?practice=%00",
                  "/search?q=%00", f"/visits?practice={SURROGATE_FORM}"):
        response = client.get(query)
        assert response.status_code == 400, query
        assert "not valid text" in response.get_data(as_text=True)
    _assert_400_json(client.get("/api/v1/videos?practice=%00", headers=_bearer(client, coach)))


def test_a_number_past_any_id_or_page_is_404_on_pages_and_422_in_the_api(site):
    client, coach, _video = site
    collection = create_collection(coach, {"title": "PLC week 3", "visibility": "school"})
    sign_in(client, coach)
    for path in ("/videos?page=99999999999999999999", f"/videos?school={HUGE}",
                 f"/search?school={HUGE}", f"/search?q=centers&page={HUGE}",
                 f"/visits?school={HUGE}", "/videos?page=" + "9" * 5000,
                 f"/people/{coach.id}?page={HUGE}", f"/collections/{collection.id}?page={HUGE}",
                 f"/collections/{collection.id}/present?item=" + "9" * 5000):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "We could not find that page." in response.get_data(as_text=True)
    headers = _bearer(client, coach)
    for path in (f"/api/v1/videos?school={HUGE}", f"/api/v1/search?school={HUGE}",
                 f"/api/v1/visit-slots?school={HUGE}", "/api/v1/videos?page=99999999999999999999"):
        response = client.get(path, headers=headers)
        assert response.status_code == 422, path
        assert response.json["error"]["fields"]
    # Within range, the pages still work as before.
    assert "Centers rotation" in client.get("/videos?page=1").get_data(as_text=True)


def test_a_week_out_of_the_calendars_range_shows_this_week(site):
    client, coach, _video = site
    sign_in(client, coach)
    for week in ("9999-12-31", "0001-01-01"):
        response = client.get(f"/visits?week={week}")
        assert response.status_code == 200, week
        assert "9999" not in response.get_data(as_text=True)


@pytest.mark.parametrize("moment", ["inf", "nan", "-1", "1e309", "-inf", "9" * 400])
def test_a_start_moment_that_is_not_a_time_plays_from_the_beginning(site, moment):
    client, coach, video = site
    sign_in(client, coach)
    response = client.get(f"/videos/{video.id}?t={moment}")
    assert response.status_code == 200
    # The comment form offers the moment the player starts at.
    assert 'id="comment-moment-clock">0:00<' in response.get_data(as_text=True)
    later = client.get(f"/videos/{video.id}?t=72.5").get_data(as_text=True)
    assert 'id="comment-moment-clock">1:12<' in later


def test_a_nul_in_a_resumable_uploads_file_name_is_refused(site):
    client, coach, _video = site
    name = base64.b64encode(b"lesson\x00.mp4").decode()
    response = client.post("/api/v1/uploads", headers={
        **_bearer(client, coach), "Tus-Resumable": "1.0.0", "Upload-Length": "10",
        "Upload-Metadata": f"filename {name}"})
    assert response.status_code == 422
    assert "filename" in response.json["error"]["message"]


def test_a_nul_in_basic_auth_credentials_is_refused(site):
    client, coach, _video = site
    for credentials in ("coach\x00@example.org:x", f"{coach.email}:pass\x00word"):
        basic = base64.b64encode(credentials.encode()).decode()
        response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"})
        assert response.status_code in (400, 401), credentials
        assert response.json["error"]["message"]


def test_a_media_link_with_odd_numbers_is_refused_not_a_crash(site):
    client, coach, video = site
    sign_in(client, coach)
    for query in ("u=%C2%B2&e=1&s=x", "u=1&e=" + "9" * 5000 + "&s=x", f"u={HUGE}&e={HUGE}&s=x"):
        response = client.get(f"/media/{video.id}/360p.mp4?{query}")
        assert 400 <= response.status_code < 500, query


def test_a_number_past_any_id_posted_in_a_form_is_refused_with_a_message(site):
    """The ids a page's own select or hidden field posts: past any database id they once
    overflowed the integer before any rule answered (500)."""
    client, coach, _video = site
    admin = User(email="admin@example.org", name="Ada Admin", role="admin",
                 district=coach.district, password_hash=_PASSWORD_HASH)
    collection = create_collection(coach, {"title": "PLC week 4", "visibility": "school"})
    db.session.add(admin)
    db.session.commit()
    sign_in(client, coach)
    read = client.post("/notifications/read", data={
        "csrf_token": _csrf(client, "/notifications"), "notification_id": HUGE})
    assert read.status_code == 302
    added = client.post(f"/collections/{collection.id}/items", data={
        "csrf_token": _csrf(client, f"/collections/{collection.id}"), "video_id": HUGE})
    assert added.status_code == 422
    assert "Choose a video." in added.get_data(as_text=True)
    assert db.session.get(Collection, collection.id).items == []

    client.post("/sign-out", data={"csrf_token": _csrf(client, "/")})
    sign_in(client, admin)
    page = f"/staff/{coach.id}"
    changed = client.post(page, data={"csrf_token": _csrf(client, page), "role": "coach",
                                      "school_id": HUGE, "active": "yes"})
    assert changed.status_code == 422
    assert "Choose one from the list." in changed.get_data(as_text=True)
    handed = client.post(f"{page}/hand-videos", data={"csrf_token": _csrf(client, page),
                                                      "to_user_id": HUGE})
    assert handed.status_code == 302
    assert "Choose a member of the school" in client.get(page).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, coach.id).school_id is not None
    assert db.session.get(Video, _video.id).owner_id == coach.id
