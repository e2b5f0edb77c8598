"""The collections API: create, read, add, edit and delete items, with the JSON error shape."""
from __future__ import annotations

import pytest

from tests.conftest import bearer_headers as bearer


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


@pytest.fixture
def coach_api(client, coach):
    return bearer(client, coach)


def test_a_coach_curates_a_collection_through_the_api(client, coach_api, make_video):
    first, second = make_video(title="Rotations", duration_s=120.0), make_video(title="Groups")
    response = client.post("/api/v1/collections", headers=coach_api, json={
        "title": "PLC: flexible grouping", "purpose": "Plan next week's groups",
        "meeting_date": "2026-12-03", "visibility": "district"})
    assert response.status_code == 201, response.json
    collection = response.json
    assert collection["items"] == [] and collection["can_edit"] is True
    assert collection["meeting_date"] == "2026-12-03"
    base = f"/api/v1/collections/{collection['id']}"

    added = client.post(f"{base}/items", headers=coach_api, json={
        "video_id": first.id, "note": "Watch the timer", "prompt": "What do students do next?",
        "start_s": 5, "end_s": 65.5})
    assert added.status_code == 201, added.json
    assert {key: added.json[key] for key in ("video_id", "note", "prompt", "start_s", "end_s",
                                             "position", "available")} == {
        "video_id": first.id, "note": "Watch the timer", "prompt": "What do students do next?",
        "start_s": 5.0, "end_s": 65.5, "position": 1, "available": True}
    assert added.json["video"]["title"] == "Rotations"
    second_item = client.post(f"{base}/items", headers=coach_api,
                              json={"video_id": second.id, "position": 1}).json
    assert second_item["position"] == 1

    moved = client.patch(f"{base}/items/{second_item['id']}", headers=coach_api,
                         json={"position": 2, "prompt": "Compare"})
    assert moved.status_code == 200 and moved.json["position"] == 2

    read = client.get(base, headers=coach_api).json
    assert [(item["video_id"], item["position"]) for item in read["items"]] == [
        (first.id, 1), (second.id, 2)]

    assert client.delete(f"{base}/items/{added.json['id']}", headers=coach_api).status_code == 204
    read = client.get(base, headers=coach_api).json
    assert [(item["video_id"], item["position"]) for item in read["items"]] == [(second.id, 1)]


def test_a_teacher_cannot_create_or_curate(client, teacher, coach, make_collection, make_video):
    headers = bearer(client, teacher)
    _error(client.post("/api/v1/collections", headers=headers, json={"title": "Mine"}), 403,
           "forbidden")
    video = make_video()
    collection = make_collection(coach, [video], visibility="school")
    base = f"/api/v1/collections/{collection.id}"
    assert client.get(base, headers=headers).status_code == 200
    _error(client.post(f"{base}/items", headers=headers, json={"video_id": video.id}), 403)
    item_id = client.get(base, headers=headers).json["items"][0]["id"]
    _error(client.patch(f"{base}/items/{item_id}", headers=headers, json={"note": "x"}), 403)
    _error(client.delete(f"{base}/items/{item_id}", headers=headers), 403)


def test_missing_and_hidden_collections_are_404(client, coach, make_user, make_collection):
    headers = bearer(client, make_user("teacher"))
    hidden = make_collection(coach, visibility="private")
    _error(client.get(f"/api/v1/collections/{hidden.id}", headers=headers), 404, "not_found")
    _error(client.get("/api/v1/collections/999999", headers=headers), 404)
    _error(client.post("/api/v1/collections/999999/items", headers=headers,
                       json={"video_id": 1}), 404)
    coach_headers = bearer(client, coach)
    _error(client.patch(f"/api/v1/collections/{hidden.id}/items/999999", headers=coach_headers,
                        json={"note": "x"}), 404)


@pytest.mark.parametrize("body,field", [
    ({"note": "no video"}, "video_id"),
    ({"video_id": "abc"}, "video_id"),
    ({"video_id": 999_999}, "video_id"),
    ({"video_id": "VIDEO", "start_s": 30, "end_s": 10}, "end_s"),
    ({"video_id": "VIDEO", "start_s": -1}, "start_s"),
    ({"video_id": "VIDEO", "end_s": 121}, "end_s"),
    ({"video_id": "VIDEO", "prompt": "x" * 1001}, "prompt"),
])
def test_invalid_items_are_422_with_the_field(client, coach_api, coach, make_collection,
                                              make_video, body, field):
    video = make_video(duration_s=120.0)
    collection = make_collection(coach)
    body = {key: (video.id if value == "VIDEO" else value) for key, value in body.items()}
    error = _error(client.post(f"/api/v1/collections/{collection.id}/items", headers=coach_api,
                               json=body), 422, "invalid")
    assert field in error["fields"]


def test_invalid_collections_are_422(client, coach_api):
    for body, field in (({}, "title"), ({"title": "x", "visibility": "public"}, "visibility"),
                        ({"title": "x", "meeting_date": "next week"}, "meeting_date")):
        error = _error(client.post("/api/v1/collections", headers=coach_api, json=body), 422)
        assert field in error["fields"]


def test_without_a_token_the_api_answers_401(client):
    _error(client.get("/api/v1/collections/1"), 401, "unauthorized")


def test_list_edit_and_delete_whole_collections(client, coach, coach_api, make_user,
                                                make_collection, make_video):
    video = make_video(title="Exit tickets")
    mine = client.post("/api/v1/collections", headers=coach_api, json={
        "title": "PLC: exit tickets", "visibility": "school"}).json
    client.post(f"/api/v1/collections/{mine['id']}/items", headers=coach_api,
                json={"video_id": video.id})
    other_coach = make_user("coach")
    shared = make_collection(other_coach, title="Grouping ideas", visibility="school")
    hidden = make_collection(other_coach, title="Draft", visibility="private")

    listed = client.get("/api/v1/collections", headers=coach_api)
    assert listed.status_code == 200
    assert [(c["title"], c["item_count"]) for c in listed.json["collections"]] == [
        ("PLC: exit tickets", 1)]
    shared_titles = [c["title"] for c in client.get(
        "/api/v1/collections?scope=shared", headers=coach_api).json["collections"]]
    assert shared_titles == ["Grouping ideas"] and "Draft" not in shared_titles
    _error(client.get("/api/v1/collections?scope=everything", headers=coach_api), 422)

    edited = client.patch(f"/api/v1/collections/{mine['id']}", headers=coach_api,
                          json={"title": "PLC: exit tickets, week 2", "meeting_date": "2026-12-10"})
    assert edited.status_code == 200, edited.json
    assert (edited.json["title"], edited.json["meeting_date"], edited.json["visibility"]) == (
        "PLC: exit tickets, week 2", "2026-12-10", "school")
    _error(client.patch(f"/api/v1/collections/{mine['id']}", headers=coach_api,
                        json={"title": ""}), 422)
    _error(client.patch(f"/api/v1/collections/{shared.id}", headers=coach_api,
                        json={"title": "Mine now"}), 403, "forbidden")
    _error(client.delete(f"/api/v1/collections/{hidden.id}", headers=coach_api), 404)

    assert client.delete(f"/api/v1/collections/{mine['id']}", headers=coach_api).status_code == 204
    _error(client.get(f"/api/v1/collections/{mine['id']}", headers=coach_api), 404)
    assert client.get("/api/v1/collections", headers=coach_api).json["collections"] == []
    assert client.get(f"/api/v1/videos/{video.id}", headers=coach_api).status_code == 200
