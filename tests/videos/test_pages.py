"""The share, watch, browse, my-videos and edit pages."""
import io
import re

import pytest

from mastery_share.extensions import db
from mastery_share.videos.models import Upload, Video
from mastery_share.videos.storage_access import media_storage
from tests.conftest import csrf_token, sign_in
from tests.videos.conftest import DETAILS


def _form(token, **overrides):
    fields = {**DETAILS, "csrf_token": token, "release_tier": "district", **overrides}
    return fields


def test_plain_form_post_without_script_shares_the_video(app, client, teacher, clips):
    sign_in(client, teacher)
    token = csrf_token(client, "/videos/new")
    response = client.post("/videos/new", data={
        **_form(token), "file": (io.BytesIO(clips.short.read_bytes()), "class.mp4")},
        content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your video is uploaded" in page
    assert "<video" in page and DETAILS["title"] in page


def test_a_wrong_field_keeps_the_uploaded_file_for_the_next_try(app, client, teacher, clips):
    sign_in(client, teacher)
    token = csrf_token(client, "/videos/new")
    response = client.post("/videos/new", data={
        **_form(token, title="", release_tier=""),
        "file": (io.BytesIO(clips.short.read_bytes()), "class.mp4")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the video a title." in page and "media release" in page
    assert "is already uploaded" in page
    upload = db.session.query(Upload).one()
    assert f'value="{upload.id}"' in page
    # The second try sends only the fields: the bytes are already on the server.
    response = client.post("/videos/new", data={**_form(token), "upload_id": upload.id},
                           follow_redirects=True)
    assert "Your video is uploaded" in response.get_data(as_text=True)
    assert db.session.query(Video).count() == 1


def test_share_page_without_a_file_says_so(app, client, teacher):
    sign_in(client, teacher)
    token = csrf_token(client, "/videos/new")
    response = client.post("/videos/new", data=_form(token))
    assert response.status_code == 422
    assert "Choose a video file" in response.get_data(as_text=True)


def test_browse_page_filters_by_practice(app, client, teacher, share, clips):
    share(teacher, clips.short, title="Goal setting in grade 4", practices=["goal-setting"])
    share(teacher, clips.short, title="Centers rotation")
    sign_in(client, teacher)
    page = client.get("/videos?practice=goal-setting").get_data(as_text=True)
    assert "Goal setting in grade 4" in page and "Centers rotation" not in page
    assert "1 video" in page
    assert 'value="goal-setting" selected' in page  # the filter shows what is applied
    empty = client.get("/videos?practice=behavior-supports").get_data(as_text=True)
    assert "No videos match these filters" in empty


def test_my_videos_shows_status_and_failure_reason(app, client, teacher, share, clips):
    share(teacher, clips.short, title="Works fine")
    share(teacher, clips.text, title="Not a video")
    sign_in(client, teacher)
    page = client.get("/videos/mine").get_data(as_text=True)
    assert "Works fine" in page and "Ready" in page
    assert "Not a video" in page and "Failed" in page


def test_failed_video_page_offers_reprocess_to_the_owner_only(app, client, teacher, share, clips,
                                                              make_user):
    video = share(teacher, clips.text, title="Broken")
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "could not be processed" in page and "Reprocess" in page
    colleague = app.test_client()
    sign_in(colleague, make_user("teacher"))
    assert "Reprocess" not in colleague.get(f"/videos/{video.id}").get_data(as_text=True)


@pytest.mark.embedded("looks for leftover files on the local disk; S3: tests/videos/test_s3_storage.py")
def test_owner_edits_and_deletes_and_every_stored_file_goes(app, client, teacher, share, clips):
    video = share(teacher, clips.short)
    prefix = video.media_prefix
    sign_in(client, teacher)
    token = csrf_token(client, f"/videos/{video.id}/edit")
    response = client.post(f"/videos/{video.id}/edit", data={
        **_form(token, title="Better title"), "practices": ["goal-setting"]},
        follow_redirects=True)
    assert "Better title" in response.get_data(as_text=True)
    storage = media_storage()
    root = storage.local_path(video.original_key).parent
    assert root.name == prefix.strip("/").rsplit("/", 1)[1]
    assert any(root.iterdir())
    client.post(f"/videos/{video.id}/delete", data={"csrf_token": token})
    assert client.get(f"/videos/{video.id}").status_code == 404
    assert not root.exists() or not any(root.iterdir())


def test_a_colleague_cannot_edit_delete_or_reprocess(app, client, teacher, share, clips, make_user):
    video = share(teacher, clips.short)
    sign_in(client, make_user("teacher"))
    token = csrf_token(client, "/videos/new")
    assert client.get(f"/videos/{video.id}/edit").status_code == 403
    assert client.post(f"/videos/{video.id}/delete", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/videos/{video.id}/reprocess",
                       data={"csrf_token": token}).status_code == 404
    assert db.session.get(Video, video.id) is not None


def test_status_json_reports_progress_for_the_live_page(app, client, teacher, share, clips):
    video = share(teacher, clips.short)
    sign_in(client, teacher)
    state = client.get(f"/videos/{video.id}/status.json").get_json()
    assert state["status"] == "ready" and state["progress"] == 100
    assert state["renditions"][0]["label"] == "360p"


def test_the_share_form_marks_its_required_fields_and_states_the_limit_in_gb(app, client,
                                                                             teacher):
    sign_in(client, teacher)
    page = client.get("/videos/new").get_data(as_text=True)
    assert "up to 2 GB" in page and "2048 MB" not in page
    assert "Fields marked" in page and "are required" in page
    for field in ("file", "title", "grade_band", "subject", "visibility", "release_tier"):
        tag = re.search(rf'<(?:input|select)[^>]*\bid="{field}"[^>]*>', page)
        assert tag and " required" in tag.group(0), field
    for optional in ("description", "captions"):
        tag = re.search(rf'<(?:input|textarea)[^>]*\bid="{optional}"[^>]*>', page)
        assert tag and " required" not in tag.group(0), optional
    assert 'Practices shown (at least one) <span class="required-mark" aria-hidden="true">*</span>' in page
    app.config["MAX_UPLOAD_MB"] = 1500
    assert "up to 1500 MB" in client.get("/videos/new").get_data(as_text=True)


def test_an_admin_without_a_school_is_told_before_sending_a_file(client, admin):
    from mastery_share.videos.uploads import NO_SCHOOL_MESSAGE
    from tests.conftest import bearer_headers

    headers = {**bearer_headers(client, admin), "Tus-Resumable": "1.0.0",
               "Upload-Length": "1000"}
    refused = client.post("/api/v1/uploads", headers=headers)
    assert refused.status_code == 403
    assert refused.json["error"]["message"] == NO_SCHOOL_MESSAGE
    sign_in(client, admin)
    page = client.get("/videos/new")
    assert page.status_code == 403
    assert "Only members of a school can share videos" in page.get_data(as_text=True)
