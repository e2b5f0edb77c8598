"""The comments API: shapes, statuses, and the video's visibility applied to every call."""
from __future__ import annotations

import pytest

from mastery_share.comments.services import post_comment
from tests.comments.conftest import WATCHERS
from tests.conftest import bearer_headers

SHAPE = {"id", "video_id", "at_s", "kind", "body", "parent_id", "author", "created_at",
         "edited_at"}


@pytest.fixture
def bearer(client):
    def token_for(user) -> dict:
        return bearer_headers(client, user)

    return token_for


def test_post_then_list_threads_in_the_documented_shape(client, bearer, people, video):
    coach = bearer(people["coach"])
    response = client.post(f"/api/v1/videos/{video.id}/comments", headers=coach,
                           json={"at_s": 2.5, "kind": "question", "body": "Why <b>this</b>?"})
    assert response.status_code == 201
    question = response.get_json()
    assert set(question) == SHAPE
    assert (question["at_s"], question["kind"], question["body"], question["parent_id"]) == (
        2.5, "question", "Why <b>this</b>?", None)
    assert question["author"] == {"id": people["coach"].id, "name": "Cora Coach"}

    reply = client.post(f"/api/v1/videos/{video.id}/comments", headers=bearer(people["owner"]),
                        json={"body": "Because.", "parent_id": question["id"]}).get_json()
    assert (reply["parent_id"], reply["at_s"], reply["kind"]) == (question["id"], 2.5, "note")
    client.post(f"/api/v1/videos/{video.id}/comments", headers=coach,
                json={"at_s": 0.5, "body": "Earlier"})

    listing = client.get(f"/api/v1/videos/{video.id}/comments",
                         headers=bearer(people["other_school"]))
    assert listing.status_code == 200
    assert [(c["body"], c["parent_id"]) for c in listing.get_json()["items"]] == [
        ("Earlier", None), ("Why <b>this</b>?", None), ("Because.", question["id"])]


@pytest.mark.parametrize("visibility", ["private", "school", "district"])
def test_every_call_follows_the_videos_visibility(client, bearer, people, share, clips,
                                                  visibility):
    video = share(people["owner"], clips.short, visibility=visibility)
    comment = post_comment(people["owner"], video.id, 1.0, "note", "Hello")
    for name, user in people.items():
        headers = bearer(user)
        may_watch = name in WATCHERS[visibility]
        listing = client.get(f"/api/v1/videos/{video.id}/comments", headers=headers)
        assert listing.status_code == (200 if may_watch else 404), name
        posted = client.post(f"/api/v1/videos/{video.id}/comments", headers=headers,
                             json={"at_s": 1, "body": f"From {name}"})
        assert posted.status_code == (201 if may_watch else 404), name
        if not may_watch:
            assert listing.get_json()["error"]["code"] == "not_found"
            removed = client.delete(f"/api/v1/comments/{comment.id}", headers=headers)
            assert removed.status_code == 404, name


def test_affirmations_by_teachers_are_403(client, bearer, people, video):
    response = client.post(f"/api/v1/videos/{video.id}/comments",
                           headers=bearer(people["same_school"]),
                           json={"at_s": 1, "kind": "affirmation", "body": "Great"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    response = client.post(f"/api/v1/videos/{video.id}/comments",
                           headers=bearer(people["principal"]),
                           json={"at_s": 1, "kind": "affirmation", "body": "Great"})
    assert response.status_code == 201


@pytest.mark.parametrize("body", [
    {"body": "No moment"}, {"at_s": -1, "body": "x"}, {"at_s": 86401, "body": "x"},
    {"at_s": 1, "body": ""}, {"at_s": 1, "body": "   "}, {"at_s": 1, "body": "x" * 2001},
    {"at_s": 1, "kind": "praise", "body": "x"}, {"at_s": 1}, {"at_s": "soon", "body": "x"},
    {"at_s": 1, "body": "x", "parent_id": 0}])
def test_invalid_bodies_are_422_with_the_field_named(client, bearer, people, video, body):
    response = client.post(f"/api/v1/videos/{video.id}/comments",
                           headers=bearer(people["coach"]), json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]


def test_replying_to_a_missing_comment_is_404(client, bearer, people, video):
    response = client.post(f"/api/v1/videos/{video.id}/comments", headers=bearer(people["coach"]),
                           json={"body": "Reply", "parent_id": 2**31 - 1})
    assert response.status_code == 404


def test_delete_rights_and_statuses(client, bearer, people, video):
    comment = post_comment(people["coach"], video.id, 1.0, "note", "Mine")
    assert client.delete(f"/api/v1/comments/{comment.id}").status_code == 401
    assert client.delete(f"/api/v1/comments/{comment.id}",
                         headers=bearer(people["same_school"])).status_code == 403
    response = client.delete(f"/api/v1/comments/{comment.id}", headers=bearer(people["owner"]))
    assert response.status_code == 204 and response.get_data() == b""
    assert client.delete(f"/api/v1/comments/{comment.id}",
                         headers=bearer(people["owner"])).status_code == 404


def test_no_token_is_401(client, video):
    assert client.get(f"/api/v1/videos/{video.id}/comments").status_code == 401
    assert client.post(f"/api/v1/videos/{video.id}/comments",
                       json={"at_s": 1, "body": "x"}).status_code == 401


def test_the_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/videos/{video_id}/comments"]) >= {"get", "post"}
    assert "delete" in paths["/api/v1/comments/{comment_id}"]
