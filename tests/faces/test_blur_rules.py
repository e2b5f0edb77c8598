"""Face blur's rules around the pipeline: a blurred video may be shared beyond its students'
releases; switching blur off is checked like a wider visibility; switching it on takes every
unblurred file down and processes the video again; the district can make blur the default;
the API reads and writes it and lets the owner review the faces."""
from __future__ import annotations

import functools
import re

from mastery_share.accounts.models import District
from mastery_share.extensions import db
from mastery_share.videos.models import Video
from mastery_share.videos.storage_access import media_storage
from tests.conftest import bearer_headers as _bearer
from tests.conftest import csrf_token, sign_in
from tests.videos.conftest import api_upload

# Uploads here attest a release tier, never the earlier checkbox.
_upload = functools.partial(api_upload, media_release=None)


def test_blur_lets_a_video_go_beyond_its_releases_and_switching_it_off_is_refused(
        app, client, teacher, face_clips):
    headers = _bearer(client, teacher)
    refused = _upload(client, headers, face_clips.two.path, visibility="network",
                      release_tier="school")
    assert refused.status_code == 422
    assert "blur the students' faces" in refused.get_json()["error"]["fields"]["visibility"]

    shared = _upload(client, headers, face_clips.two.path, visibility="network",
                     release_tier="school", blur_faces=True)
    assert shared.status_code == 202, shared.get_data(as_text=True)
    body = client.get(f"/api/v1/videos/{shared.get_json()['id']}", headers=headers).get_json()
    assert (body["blur_faces"], body["status"]) == (True, "review_faces")

    faces = client.get(f"/api/v1/videos/{body['id']}/faces", headers=headers).get_json()
    assert len(faces["faces"]) == 2 and faces["max_kept"] == 2
    unblurred = client.patch(f"/api/v1/videos/{body['id']}", headers=headers,
                             json={"blur_faces": False})
    assert unblurred.status_code == 422
    reviewed = client.post(f"/api/v1/videos/{body['id']}/faces/review", headers=headers,
                           json={"keep": [faces["faces"][1]["id"]]})
    assert reviewed.status_code == 202, reviewed.get_data(as_text=True)
    assert client.get(f"/api/v1/videos/{body['id']}",
                      headers=headers).get_json()["status"] == "ready"
    again = client.post(f"/api/v1/videos/{body['id']}/faces/review", headers=headers,
                        json={"keep": []})
    assert again.status_code == 409


def test_only_the_owner_reads_the_faces_through_the_api(app, client, teacher, make_user,
                                                         face_clips):
    shared = _upload(client, _bearer(client, teacher), face_clips.two.path, blur_faces=True,
                     visibility="district", release_tier="district")
    colleague = _bearer(client, make_user("teacher"))
    video_id = shared.get_json()["id"]
    assert client.get(f"/api/v1/videos/{video_id}/faces", headers=colleague).status_code == 403
    assert client.post(f"/api/v1/videos/{video_id}/faces/review", headers=colleague,
                       json={"keep": []}).status_code == 403


def test_switching_blur_on_later_takes_the_unblurred_files_down_and_processes_again(
        app, client, teacher, share, face_clips):
    video = share(teacher, face_clips.two.path, visibility="school", release_tier="school",
                  media_release=None)
    db.session.refresh(video)
    assert video.status == "ready"
    old = [video.poster_key, *(r.storage_key for r in video.renditions)]
    response = client.patch(f"/api/v1/videos/{video.id}", headers=_bearer(client, teacher),
                            json={"blur_faces": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert video.status == "review_faces"
    assert video.poster_key is None and not video.playable_renditions
    assert not any(media_storage().exists(key) for key in old)


def test_the_district_can_make_blur_the_default_for_new_uploads(app, client, teacher, admin,
                                                                clips):
    sign_in(client, admin)
    saved = client.post("/videos/release-policy", data={
        "csrf_token": csrf_token(client, "/staff"), "widest_without_blur": "school",
        "blur_faces_by_default": "on"})
    assert saved.status_code == 302
    assert db.session.get(District, admin.district_id).blur_faces_by_default is True
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, teacher)
    form = client.get("/videos/new").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*id="blur_faces"[^>]*>', form).group(0)
    assert "checked" in checkbox
    shared = _upload(client, _bearer(client, teacher), clips.short, visibility="network",
                     release_tier="school")
    assert shared.status_code == 202, shared.get_data(as_text=True)
    assert shared.get_json()["blur_faces"] is True
