"""Retention: the district's rule and the owner's earlier end; the owner is told 14 days ahead
(in the app and by mail, once); at the end the worker's pass removes every trace of the video
(row, plays, faces, captions, search entries, every stored object, S3 included); originals go
on their own rule and the video stays playable; a date in the past is refused."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mastery_share.accounts.models import District
from mastery_share.db_types import utcnow
from mastery_share.errors import Conflict
from mastery_share.extensions import db
from mastery_share.notifications.models import Notification
from mastery_share.search.queue import reindex_video_later
from mastery_share.transaction import commit
from mastery_share.transcripts import jobs
from mastery_share.transcripts.cues import cues_to_vtt
from mastery_share.transcripts.speech import Cue
from mastery_share.videos.face_models import FaceTrack
from mastery_share.videos.face_review import review_faces
from mastery_share.videos.models import Video
from mastery_share.videos.retention import apply_retention
from mastery_share.videos.services import reprocess_video
from mastery_share.videos.storage_access import media_storage
from mastery_share.viewing.models import VideoView
from tests.conftest import bearer_headers as _bearer
from tests.conftest import outbox_messages
from tests.faces.conftest import face_clips  # noqa: F401  (fixture)

WORD = "zephyrine"  # a word nothing else in the suite says


def _found(client, headers, words: str) -> int:
    return client.get("/api/v1/search", query_string={"q": words},
                      headers=headers).get_json()["total"]


def test_at_its_end_nothing_of_the_video_is_left_anywhere(app, client, teacher, make_user,
                                                          share, face_clips):  # noqa: F811
    video = share(teacher, face_clips.two.path, blur_faces=True, visibility="district",
                  release_tier="district", media_release=None, title=f"The {WORD} lesson")
    review_faces(teacher, video.id, [])
    video = db.session.get(Video, video.id)
    video.captions_key = jobs.save_auto_captions_file(
        video, cues_to_vtt([Cue(0.0, 2.0, f"We say {WORD} twice, {WORD}.")]))
    video.captions_source, video.transcript_status = "auto", "done"
    colleague = make_user("teacher")
    db.session.add(VideoView(video_id=video.id, viewer_id=colleague.id, started_at=utcnow(),
                             last_seen_at=utcnow(), watched_s=2.0))
    db.session.commit()
    reindex_video_later(video.id)
    commit()
    headers = _bearer(client, colleague)
    assert _found(client, headers, WORD) == 1
    storage, prefix, video_id = media_storage(), video.media_prefix, video.id
    stored = storage.list_prefix(prefix)
    # The original, blurred master, poster, rendition, captions and face thumbnails.
    assert len(stored) >= 6, stored

    video.retain_until = utcnow() - timedelta(minutes=1)  # as if its day had come
    db.session.commit()
    report = apply_retention()
    assert report.deleted == 1
    db.session.expire_all()
    assert db.session.get(Video, video_id) is None
    for model in (VideoView, FaceTrack, Notification):
        assert db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.video_id == video_id)) == 0
    assert storage.list_prefix(prefix) == []
    assert not any(storage.exists(key) for key in stored)
    assert _found(client, headers, WORD) == 0


def test_the_owner_is_told_fourteen_days_ahead_once_in_the_app_and_by_mail(
        app, client, teacher, share, clips):
    db.session.get(District, teacher.district_id).retain_videos_days = 30
    video = share(teacher, clips.short, title="Centers in September")
    video.created_at = utcnow() - timedelta(days=20)  # ten days left
    db.session.commit()
    assert apply_retention().told == 1
    assert apply_retention().told == 0  # once
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == teacher.id, Notification.kind == "video_retention")).all()
    assert len(notes) == 1 and "will be deleted on" in notes[0].text
    assert "retention rule" in notes[0].text
    mails = [m for m in outbox_messages(app) if "will be deleted on" in m["Subject"]]
    assert [m["To"] for m in mails] == [teacher.email]
    body = client.get(f"/api/v1/videos/{video.id}", headers=_bearer(client, teacher)).get_json()
    assert body["retain_until"].startswith((video.created_at + timedelta(days=30)).date()
                                           .isoformat())


def test_the_owner_may_choose_an_earlier_end_never_a_past_or_later_one(app, client, teacher,
                                                                        share, clips):
    db.session.get(District, teacher.district_id).retain_videos_days = 60
    db.session.commit()
    video = share(teacher, clips.short)
    headers = _bearer(client, teacher)
    url = f"/api/v1/videos/{video.id}"
    past = (utcnow() - timedelta(days=1)).date().isoformat()
    refused = client.patch(url, headers=headers, json={"retain_until": past})
    assert refused.status_code == 422
    assert "in the past is refused" in refused.get_json()["error"]["message"]
    later = (utcnow() + timedelta(days=90)).date().isoformat()
    refused = client.patch(url, headers=headers, json={"retain_until": later})
    assert refused.status_code == 422
    assert "or an earlier one" in refused.get_json()["error"]["message"]
    earlier = (utcnow() + timedelta(days=5)).date()
    chosen = client.patch(url, headers=headers, json={"retain_until": earlier.isoformat()})
    assert chosen.status_code == 200, chosen.get_data(as_text=True)
    assert chosen.get_json()["retain_until"].startswith(earlier.isoformat())
    assert apply_retention().told == 1  # five days left: told now
    cleared = client.patch(url, headers=headers, json={"retain_until": None})
    assert cleared.get_json()["retain_until"].startswith(
        (video.created_at + timedelta(days=60)).date().isoformat())


def test_originals_go_on_their_own_rule_and_the_video_stays_playable(app, teacher, share,
                                                                      clips):
    db.session.get(District, teacher.district_id).retain_originals_days = 10
    video = share(teacher, clips.short)
    video.created_at = utcnow() - timedelta(days=11)
    db.session.commit()
    original = video.original_key
    assert apply_retention().originals_deleted == 1
    db.session.refresh(video)
    assert not media_storage().exists(original)
    assert video.status == "ready" and video.playable_renditions
    with pytest.raises(Conflict, match="retention rule"):
        reprocess_video(teacher, video.id)


def test_the_pages_set_the_rule_and_the_owner_s_end_with_clear_errors(app, client, teacher,
                                                                       admin, share, clips):
    from tests.conftest import csrf_token, sign_in

    sign_in(client, admin)
    token = csrf_token(client, "/staff")
    wrong = client.post("/videos/retention-policy", data={
        "csrf_token": token, "retain_videos_days": "30", "retain_originals_days": "90"},
        follow_redirects=True)
    shown = wrong.get_data(as_text=True)
    assert "cannot be kept longer than the videos" in shown
    # What was typed comes back to be corrected, not the saved values.
    assert 'name="retain_videos_days" value="30"' in shown
    assert 'name="retain_originals_days" value="90"' in shown
    too_long = client.post("/videos/retention-policy", data={
        "csrf_token": token, "retain_videos_days": "3000000"}, follow_redirects=True)
    assert "from 1 to 36,500" in too_long.get_data(as_text=True)
    assert 'name="retain_videos_days" value="3000000"' in too_long.get_data(as_text=True)
    client.post("/videos/retention-policy", data={
        "csrf_token": token, "retain_videos_days": "365", "retain_originals_days": ""})
    district = db.session.get(District, admin.district_id)
    db.session.refresh(district)
    assert (district.retain_videos_days, district.retain_originals_days) == (365, None)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    video = share(teacher, clips.short)
    sign_in(client, teacher)
    edit_page = f"/videos/{video.id}/edit"
    page = client.get(edit_page).get_data(as_text=True)
    assert "This video will be deleted on" in page
    form = {"csrf_token": csrf_token(client, edit_page), "title": video.title,
            "description": video.description, "practices": [p.slug for p in video.practices],
            "grade_band": video.grade_band, "subject": video.subject,
            "visibility": video.visibility, "level": video.level,
            "release_tier": video.release_tier,
            "retain_until": (utcnow() - timedelta(days=2)).date().isoformat()}
    refused = client.post(edit_page, data=form)
    assert refused.status_code == 422
    assert "Choose a date after today." in refused.get_data(as_text=True)
