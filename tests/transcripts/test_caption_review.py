"""Captions that meet WCAG 2.1 AA: automatic captions are labelled "auto-generated, not yet
reviewed" until the owner reviews them; uploaded captions count as reviewed; the district may
require reviewed captions before a video goes beyond its school (pages and API, 422 with the
reason)."""
from __future__ import annotations

import io

from mastery_share.accounts.models import District
from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.conftest import bearer_headers as _bearer
from tests.conftest import csrf_token, sign_in
from tests.transcripts.conftest import speech_clips, transcribed  # noqa: F401  (fixtures)
from tests.videos.conftest import DETAILS, clips, share  # noqa: F401  (fixtures)

VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWelcome to our math centers.\n"


def _require_reviewed_captions(user) -> None:
    db.session.get(District, user.district_id).reviewed_captions_beyond_school = True
    db.session.commit()


def test_automatic_captions_say_not_yet_reviewed_until_the_owner_reviews_them(
        app, client, teacher, transcribed):  # noqa: F811
    sign_in(client, teacher)
    watch = client.get(f"/videos/{transcribed.id}").get_data(as_text=True)
    assert "(auto-generated, not yet reviewed)" in watch
    assert "Auto-generated, not yet reviewed" in watch

    editor = f"/videos/{transcribed.id}/transcript/edit"
    page = client.get(editor).get_data(as_text=True)
    assert "caption-review-play" in page and "Save and mark as reviewed" in page
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    saved = client.post(editor, data={"csrf_token": csrf_token(client, editor),
                                      "version": version, "reviewed": "yes"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Video, transcribed.id).captions_reviewed is True
    watch = client.get(f"/videos/{transcribed.id}").get_data(as_text=True)
    assert "not yet reviewed" not in watch
    assert "reviewed line by line by" in watch


def test_only_the_owner_marks_captions_reviewed(app, client, teacher, admin,
                                                 transcribed):  # noqa: F811
    sign_in(client, admin)
    editor = f"/videos/{transcribed.id}/transcript/edit"
    page = client.get(editor).get_data(as_text=True)
    assert "Save and mark as reviewed" not in page  # an admin may correct, not attest
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    refused = client.post(editor, data={"csrf_token": csrf_token(client, editor),
                                        "version": version, "reviewed": "yes"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Video, transcribed.id).captions_reviewed is False
    answer = client.patch(f"/api/v1/videos/{transcribed.id}", headers=_bearer(client, admin),
                          json={"captions_reviewed": True})
    assert answer.status_code == 403


def test_the_district_rule_keeps_unreviewed_captions_in_the_school(
        app, client, teacher, transcribed, clips):  # noqa: F811
    _require_reviewed_captions(teacher)
    headers = _bearer(client, teacher)
    video_url = f"/api/v1/videos/{transcribed.id}"
    refused = client.patch(video_url, headers=headers, json={"visibility": "school"})
    assert refused.status_code == 200  # within the school: no rule
    refused = client.patch(video_url, headers=headers, json={"visibility": "district"})
    assert refused.status_code == 422
    assert "captions are reviewed" in refused.get_json()["error"]["fields"]["visibility"]
    assert client.get(video_url, headers=headers).get_json()["captions_reviewed"] is False

    widened = client.patch(video_url, headers=headers,
                           json={"captions_reviewed": True, "visibility": "district"})
    assert widened.status_code == 200, widened.get_data(as_text=True)
    body = widened.get_json()
    assert (body["visibility"], body["captions_reviewed"]) == ("district", True)


def test_an_upload_beyond_the_school_needs_its_captions_when_the_district_says_so(
        app, client, teacher, clips):  # noqa: F811
    _require_reviewed_captions(teacher)
    headers = _bearer(client, teacher)

    def upload(with_captions: bool):
        data = {**{k: v for k, v in DETAILS.items() if k != "practices"},
                "practices": ",".join(DETAILS["practices"]), "media_release": "true",
                "file": (open(clips.short, "rb"), "clip.mp4", "video/mp4")}
        if with_captions:
            data["captions"] = (io.BytesIO(VTT), "captions.vtt", "text/vtt")
        return client.post("/api/v1/videos", headers=headers, data=data,
                           content_type="multipart/form-data")

    refused = upload(False)
    assert refused.status_code == 422
    assert "captions are reviewed" in refused.get_json()["error"]["message"]
    shared = upload(True)
    assert shared.status_code == 202, shared.get_data(as_text=True)
    assert shared.get_json()["captions_reviewed"] is True
