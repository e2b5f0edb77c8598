"""The view record: each play is kept (who, when, seconds actually played); the owner sees who
watched; a principal or admin sees counts, never who, and nobody sees another member's viewing
history. Never for evaluation (README)."""
from __future__ import annotations

import pytest

from mastery_share.extensions import db
from mastery_share.viewing.models import VideoView
from tests.collections.conftest import video_row
from tests.conftest import bearer_headers, csrf_token, sign_in


@pytest.fixture
def people(make_user, other_school, principal, admin):
    return {"owner": make_user("teacher", name="Olive Owner"),
            "colleague": make_user("teacher", school_=other_school, name="Cora Colleague"),
            "principal": principal, "admin": admin}


def _play(client, video_id: int, watched: list[float]) -> int | None:
    """What the watch page's player sends: a play, then the seconds played so far."""
    token = csrf_token(client, f"/videos/{video_id}")
    started = client.post(f"/videos/{video_id}/plays", headers={"X-CSRFToken": token})
    if started.status_code == 204:
        return None
    assert started.status_code == 201, started.get_data(as_text=True)
    play_id = started.get_json()["id"]
    for seconds in watched:
        answer = client.post(f"/plays/{play_id}", data={"csrf_token": token, "watched_s": seconds})
        assert answer.status_code == 204, answer.get_data(as_text=True)
    return play_id


_api_token = bearer_headers


def test_the_owner_sees_who_watched_when_and_for_how_long(app, client, people):
    video = video_row(people["owner"], title="Exit tickets", duration_s=120.0)
    sign_in(client, people["colleague"])
    _play(client, video.id, [12.0, 47.5])
    _play(client, video.id, [3.0])
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    owner = app.test_client()
    sign_in(owner, people["owner"])
    assert _play(owner, video.id, [30.0]) is None  # the owner's own plays are not kept
    page = owner.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "Who watched" in page and "2 plays by 1 colleague" in page
    assert page.count("Cora Colleague ·") == 2 and "0:47 watched" in page and "0:03 watched" in page

    views = owner.get(f"/api/v1/videos/{video.id}/views", headers=_api_token(owner, people["owner"]))
    assert views.status_code == 200
    assert [(row["viewer"]["name"], row["watched_s"]) for row in views.get_json()] == [
        ("Cora Colleague", 3.0), ("Cora Colleague", 47.5)]


@pytest.mark.parametrize("leader", ["principal", "admin"])
def test_a_principal_or_admin_sees_counts_never_who(app, client, people, leader):
    video = video_row(people["owner"], title="Stations")
    sign_in(client, people["colleague"])
    _play(client, video.id, [20.0])

    viewer = app.test_client()
    sign_in(viewer, people[leader])
    page = viewer.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "1 play by 1 colleague" in page and "Counts only" in page
    assert "Cora Colleague" not in page
    views = viewer.get(f"/api/v1/videos/{video.id}/views", headers=_api_token(viewer, people[leader]))
    assert views.status_code == 403 and "Cora" not in views.get_data(as_text=True)
    # Her profile shows what she shared, never what she watched.
    profile = viewer.get(f"/people/{people['colleague'].id}").get_data(as_text=True)
    assert "Stations" not in profile and "watched" not in profile


def test_other_teachers_see_no_record_at_all(app, client, people, make_user):
    video = video_row(people["owner"], title="Stations")
    sign_in(client, people["colleague"])
    _play(client, video.id, [20.0])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "Who watched" not in page and "1 play" not in page
    views = client.get(f"/api/v1/videos/{video.id}/views",
                       headers=_api_token(client, people["colleague"]))
    assert views.status_code == 403


def test_played_seconds_only_grow_and_stop_at_the_end_of_the_video(app, client, people):
    video = video_row(people["owner"], duration_s=60.0)
    sign_in(client, people["colleague"])
    play_id = _play(client, video.id, [40.0, 10.0, 100000.0])
    assert db.session.get(VideoView, play_id).watched_s == 65.0  # 60 s and a little slack
    token = csrf_token(client, f"/videos/{video.id}")
    for bad in ("", "soon", "nan", "inf"):
        answer = client.post(f"/plays/{play_id}", data={"csrf_token": token, "watched_s": bad})
        assert answer.status_code == 422, bad


def test_nobody_records_for_a_video_they_cannot_watch_or_for_someone_else(
        app, client, people, make_user):
    private = video_row(people["owner"], visibility="private")
    shared = video_row(people["owner"])
    sign_in(client, people["colleague"])
    token = csrf_token(client, "/")
    assert client.post(f"/videos/{private.id}/plays",
                       headers={"X-CSRFToken": token}).status_code == 404
    assert client.post(f"/videos/{shared.id}/plays").status_code == 400  # no CSRF token
    play_id = _play(client, shared.id, [5.0])

    other = app.test_client()
    sign_in(other, make_user("teacher", name="Nosy Neighbour"))
    answer = other.post(f"/plays/{play_id}", data={"csrf_token": csrf_token(other, "/"),
                                                   "watched_s": 60})
    assert answer.status_code == 404
    assert db.session.get(VideoView, play_id).watched_s == 5.0
