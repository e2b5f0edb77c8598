"""The original as uploaded is kept for its owner alone: the owner downloads it (from the local
store or a presigned S3 URL, never cached); a colleague who may watch the video, and the
district's admin, are refused; once the district's rule deleted it, the owner is told when."""
from __future__ import annotations

from datetime import timedelta

import requests

from mastery_share.accounts.models import District
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.videos.retention import apply_retention
from tests.conftest import bearer_headers, sign_in
from tests.topology import SCALE_OUT


def _download(client, video_id: int, headers: dict | None = None,
              path: str = "/videos/{}/original") -> tuple[int, bytes, dict]:
    """The owner's download, following the store's redirect in the scale-out topology."""
    answer = client.get(path.format(video_id), headers=headers or {})
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert answer.status_code == (302 if SCALE_OUT else 200)  # S3: a presigned redirect
    if answer.status_code == 302:
        with requests.get(answer.headers["Location"], timeout=30) as stored:
            return stored.status_code, stored.content, dict(stored.headers)
    return answer.status_code, answer.get_data(), dict(answer.headers)


def test_the_owner_downloads_the_original_as_uploaded(app, client, teacher, share, clips):
    video = share(teacher, clips.short, blur_faces=False)
    sign_in(client, teacher)
    edit_page = client.get(f"/videos/{video.id}/edit").get_data(as_text=True)
    assert "Download the original" in edit_page and "Only you can download it" in edit_page
    status, body, headers = _download(client, video.id)
    assert status == 200
    assert body == clips.short.read_bytes()
    assert headers["Content-Disposition"].startswith("attachment")
    assert clips.short.name in headers["Content-Disposition"]
    assert "no-store" in headers["Cache-Control"]


def test_nobody_else_gets_the_original_not_even_the_admin(app, client, teacher, share, clips,
                                                          make_user, admin):
    video = share(teacher, clips.short, visibility="district")
    colleague = make_user("teacher")
    sign_in(client, colleague)
    assert client.get(f"/videos/{video.id}").status_code == 200  # may watch it...
    refused = client.get(f"/videos/{video.id}/original")
    assert refused.status_code == 403  # ...never fetch the original
    assert "Only the teacher who shared this video" in refused.get_data(as_text=True)
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    edit_page = admin_client.get(f"/videos/{video.id}/edit")
    assert edit_page.status_code == 200 and "Download the original" not in edit_page.get_data(
        as_text=True)
    assert admin_client.get(f"/videos/{video.id}/original").status_code == 403


def test_a_private_video_s_original_is_not_found_for_others(app, client, teacher, share, clips,
                                                            make_user):
    video = share(teacher, clips.short, visibility="private")
    sign_in(client, make_user("teacher"))
    assert client.get(f"/videos/{video.id}/original").status_code == 404


def test_once_the_district_rule_deleted_it_the_owner_is_told_when(app, client, teacher, share,
                                                                  clips):
    db.session.get(District, teacher.district_id).retain_originals_days = 10
    video = share(teacher, clips.short)
    video.created_at = utcnow() - timedelta(days=11)
    db.session.commit()
    assert apply_retention().originals_deleted == 1
    sign_in(client, teacher)
    gone = client.get(f"/videos/{video.id}/original")
    assert gone.status_code == 404
    assert "deleted on" in gone.get_data(as_text=True)
    edit_page = client.get(f"/videos/{video.id}/edit").get_data(as_text=True)
    assert "Download the original" not in edit_page
    assert "retention rule; the video stays playable" in edit_page


def test_the_api_gives_the_original_to_its_owner_alone(app, client, teacher, share, clips,
                                                      make_user, admin):
    video = share(teacher, clips.short, visibility="district")
    api_path = "/api/v1/videos/{}/original"
    status, body, headers = _download(client, video.id, bearer_headers(client, teacher),
                                      api_path)
    assert status == 200 and body == clips.short.read_bytes()
    assert headers["Content-Disposition"].startswith("attachment")
    colleague = make_user("teacher")
    for refused in (colleague, admin):
        answer = client.get(api_path.format(video.id), headers=bearer_headers(client, refused))
        assert answer.status_code == 403
        assert "Only the teacher who shared this video" in answer.get_json()["error"]["message"]
    hidden = share(teacher, clips.short, visibility="private")
    answer = client.get(api_path.format(hidden.id), headers=bearer_headers(client, colleague))
    assert answer.status_code == 404 and answer.is_json
    assert client.get(api_path.format(video.id)).status_code == 401
