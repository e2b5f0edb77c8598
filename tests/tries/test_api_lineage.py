"""Sharing back through POST /api/v1/videos with try_id, a video's lineage as each viewer may
see it, and a video's practice level."""
from __future__ import annotations

import pytest

from tests.collections.conftest import video_row
from tests.tries.api_fixtures import bearer, error_of, post_video
from tests.videos.conftest import clips  # noqa: F401  (the session's ffmpeg-made clips)


@pytest.fixture
def original(teacher):
    """A video of North Elementary that sparks tries in South Middle School."""
    return video_row(teacher, title="Friday regrouping at North", visibility="district")


def share_back(client, far_teacher, make_try, original, clips, *,  # noqa: F811
               try_visibility="district", **fields):
    """far_teacher tries the original and shares a video back from the try."""
    try_ = make_try(far_teacher, original, visibility=try_visibility)
    response = post_video(client, far_teacher, clips.short, try_id=try_.id,
                          **{"title": "South's version", "level": "refining", **fields})
    assert response.status_code == 202, response.json
    return try_, response.json


def lineage(client, viewer, video_id: int):
    response = client.get(f"/api/v1/videos/{video_id}/lineage", headers=bearer(viewer))
    assert response.status_code == 200, response.json
    return response


def test_a_share_back_names_its_spark_and_the_original_lists_the_share_back(
        client, teacher, far_teacher, make_try, original, clips):  # noqa: F811
    try_, video = share_back(client, far_teacher, make_try, original, clips)
    assert video["level"] == "refining"

    sparked_by = lineage(client, teacher, video["id"]).json
    assert sparked_by["hidden_count"] == 0 and sparked_by["sparked"] == []
    [spark] = sparked_by["sparked_by"]
    assert spark["kind"] == "video" and spark["generation"] == 1
    assert spark["video"] == {"id": original.id, "title": "Friday regrouping at North"}
    assert spark["school"] == {"id": teacher.school.id, "name": "North Elementary"}

    sparked = lineage(client, teacher, original.id).json
    assert sparked["hidden_count"] == 0 and sparked["sparked_by"] == []
    [item] = sparked["sparked"]
    assert item["kind"] == "video" and item["video"] == {"id": video["id"],
                                                         "title": "South's version"}
    assert item["school"]["name"] == "South Middle School"
    assert item["try"] == {"id": try_.id}

    read = client.get(f"/api/v1/tries/{try_.id}", headers=bearer(far_teacher)).json
    assert read["status"] == "shared_back"
    assert read["share_back_video"] == {"id": video["id"], "title": "South's version"}


def test_a_private_share_back_of_another_school_is_only_counted(
        client, teacher, far_teacher, make_try, original, clips):  # noqa: F811
    share_back(client, far_teacher, make_try, original, clips, try_visibility="leaders",
               title="Farah's private lesson", visibility="private")
    response = lineage(client, teacher, original.id)
    assert response.json["sparked"] == [] and response.json["hidden_count"] == 1
    text = response.get_data(as_text=True)
    assert "Farah's private lesson" not in text and "Try groups" not in text
    assert far_teacher.name not in text


def test_a_try_of_another_school_kept_to_its_teacher_is_counted_never_named(
        client, teacher, far_teacher, make_try, original):
    try_ = make_try(far_teacher, original, visibility="only_me", plan="Farah's secret plan")
    response = lineage(client, teacher, original.id)
    assert response.json["sparked"] == [] and response.json["hidden_count"] == 1
    assert "secret plan" not in response.get_data(as_text=True)
    [own] = lineage(client, far_teacher, original.id).json["sparked"]
    assert own["kind"] == "try" and own["try"] == {"id": try_.id} and own["video"] is None


def test_a_deleted_sparking_video_shows_as_removed_and_the_try_survives(
        client, teacher, far_teacher, make_try, original, clips):  # noqa: F811
    try_, video = share_back(client, far_teacher, make_try, original, clips)
    assert client.delete(f"/api/v1/videos/{original.id}",
                         headers=bearer(teacher)).status_code == 204

    [spark] = lineage(client, far_teacher, video["id"]).json["sparked_by"]
    assert spark["kind"] == "removed" and spark["video"] is None
    assert spark["label"] == "a video that is no longer shared"
    assert spark["school"]["name"] == "North Elementary"

    read = client.get(f"/api/v1/tries/{try_.id}", headers=bearer(far_teacher))
    assert read.status_code == 200, read.json
    [kept] = read.json["sparks"]
    assert (kept["available"], kept["video"], kept["label"]) == (
        False, None, "a video that is no longer shared")
    assert "Friday regrouping" not in read.get_data(as_text=True)


def test_the_lineage_of_a_video_the_caller_may_not_watch_is_404(client, teacher, far_teacher):
    hidden = video_row(far_teacher, title="Not for North", visibility="private")
    response = client.get(f"/api/v1/videos/{hidden.id}/lineage", headers=bearer(teacher))
    error_of(response, 404, "not_found")
    assert "Not for North" not in response.get_data(as_text=True)
    error_of(client.get(f"/api/v1/videos/{hidden.id}/lineage"), 401)


def test_sharing_back_someone_elses_try_is_404_and_a_second_share_back_409(
        client, teacher, far_teacher, make_try, original, clips):  # noqa: F811
    others = make_try(teacher, original, visibility="district")
    error_of(post_video(client, far_teacher, clips.short, try_id=others.id), 404, "not_found")
    error_of(post_video(client, far_teacher, clips.short, try_id=2**31 - 1), 404)
    error_of(post_video(client, far_teacher, clips.short, try_id="twelve"), 422, "invalid")

    try_, _ = share_back(client, far_teacher, make_try, original, clips)
    error_of(post_video(client, far_teacher, clips.short, try_id=try_.id), 409, "conflict")
    videos = client.get(f"/api/v1/videos?owner={far_teacher.id}", headers=bearer(far_teacher))
    assert videos.json["total"] == 1


@pytest.mark.parametrize("try_id", ["12", 1.5, 2**31, 0, True])
def test_a_json_share_back_refuses_a_malformed_try_id(client, teacher, try_id):
    body = {"upload_id": "0" * 32, "title": "Mine", "practices": ["flexible-grouping"],
            "grade_band": "3-5", "subject": "Math", "visibility": "school",
            "media_release": True, "try_id": try_id}
    error = error_of(client.post("/api/v1/videos", headers=bearer(teacher), json=body), 422)
    assert "try_id" in error["fields"]


def test_a_videos_level_is_set_edited_and_filtered(client, teacher):
    video = video_row(teacher, title="Groups, advanced", visibility="school")
    headers = bearer(teacher)
    assert client.get(f"/api/v1/videos/{video.id}", headers=headers).json["level"] == \
        "getting_started"
    edited = client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                          json={"level": "advanced"})
    assert edited.status_code == 200 and edited.json["level"] == "advanced"
    error_of(client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                          json={"level": "expert"}), 422, "invalid")

    def listed(level):
        response = client.get(f"/api/v1/videos?level={level}", headers=headers)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert listed("advanced") == [video.id] and listed("refining") == []
    error_of(client.get("/api/v1/videos?level=expert", headers=headers), 422)
