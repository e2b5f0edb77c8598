"""The record of who watched is not kept forever: the district sets how many days a play is
remembered, and the worker's retention pass forgets older plays (this district's only) while
the video itself stays."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mastery_share.accounts.models import District
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.videos.models import Video
from mastery_share.videos.retention import apply_retention
from mastery_share.viewing.models import VideoView
from tests.collections.conftest import video_row
from tests.comments.conftest import people  # noqa: F401  (fixture)
from tests.conftest import bearer_headers, csrf_token, sign_in


def _play(video, viewer, days_ago: float) -> None:
    started = utcnow() - timedelta(days=days_ago)
    db.session.add(VideoView(video_id=video.id, viewer_id=viewer.id, started_at=started,
                             last_seen_at=started, watched_s=30.0))


def test_plays_older_than_the_district_s_days_are_forgotten(app, client, people):  # noqa: F811
    owner, colleague = people["owner"], people["same_school"]
    video = video_row(owner, title="Exit tickets")
    far_video = video_row(people["other_district"], title="Far away", visibility="network")
    for days_ago in (100, 40, 5):
        _play(video, colleague, days_ago)
    _play(far_video, colleague, 100)  # another district keeps its plays
    db.session.commit()

    admin = people["admin"]
    sign_in(client, admin)
    client.post("/videos/retention-policy", data={
        "csrf_token": csrf_token(client, "/staff"), "retain_videos_days": "",
        "retain_originals_days": "", "retain_views_days": "30"})
    assert db.session.get(District, admin.district_id).retain_views_days == 30
    assert 'name="retain_views_days" value="30"' in client.get("/staff").get_data(as_text=True)

    assert apply_retention().views_forgotten == 2
    db.session.expire_all()
    left = db.session.scalars(select(VideoView.video_id).where(
        VideoView.video_id == video.id)).all()
    assert len(left) == 1
    assert db.session.scalars(select(VideoView).where(VideoView.video_id == far_video.id)).all()
    assert db.session.get(Video, video.id) is not None  # the video stays
    views = client.get(f"/api/v1/videos/{video.id}/views",
                       headers=bearer_headers(client, owner)).get_json()
    assert len(views) == 1


def test_a_wrong_number_of_days_is_refused_with_the_reason(app, client, admin):
    sign_in(client, admin)
    answer = client.post("/videos/retention-policy", data={
        "csrf_token": csrf_token(client, "/staff"), "retain_views_days": "0"},
        follow_redirects=True)
    assert "Give a whole number of days" in answer.get_data(as_text=True)
    assert db.session.get(District, admin.district_id).retain_views_days is None
