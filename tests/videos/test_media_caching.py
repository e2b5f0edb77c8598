"""Who may keep a copy of a video's media (issue 11, hole 9), for media served from the local
folder; the same rules for S3 (the redirect and the store's answer) are in test_s3_storage.py.

Private and school videos are `private, no-store`: once a video is made private no cache
anywhere still serves it. District and network videos may stay in the viewer's own browser
for a short while, never in a shared cache.
"""
from __future__ import annotations

import shutil

import pytest

from config import Config
from mastery_share.videos.media_urls import media_url
from mastery_share.videos.services import create_video
from tests.conftest import sign_in
from tests.videos.conftest import DETAILS

CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:02.000\nThe must-do board comes first.\n"


@pytest.fixture
def captioned(tmp_path, clips):
    def factory(owner, visibility: str):
        source = tmp_path / f"upload-{visibility}.mp4"
        shutil.copyfile(clips.short, source)
        return create_video(owner, {**DETAILS, "visibility": visibility}, source=source,
                            filename="lesson.mp4", captions=("lesson.vtt", CAPTIONS))

    return factory


@pytest.mark.parametrize(("visibility", "name", "expected"), [
    ("private", "360p.mp4", "private, no-store"),
    ("private", "poster.jpg", "private, no-store"),
    ("private", "captions.vtt", "private, no-store"),
    ("school", "360p.mp4", "private, no-store"),
    ("school", "poster.jpg", "private, no-store"),
    ("school", "captions.vtt", "private, no-store"),
    ("district", "360p.mp4", "private, max-age=600"),
    ("district", "poster.jpg", "private, max-age=600"),
    ("district", "captions.vtt", "private, max-age=60"),  # owners correct captions
    ("network", "360p.mp4", "private, max-age=600"),
])
@pytest.mark.embedded("the app serves media itself from the local store; from S3 it redirects (tests/videos/test_s3_storage.py)")
def test_private_and_school_media_is_never_cached_and_district_media_only_by_the_browser(
        app, client, teacher, captioned, visibility, name, expected):
    video = captioned(teacher, visibility)
    assert video.status == "ready", video.error
    sign_in(client, teacher)
    with app.test_request_context():
        path = media_url(teacher, video, name)
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == expected
    with client.get(path, headers={"Range": "bytes=0-9"}) as part:
        assert part.status_code == 206
        assert part.headers["Cache-Control"] == expected


def test_the_presigned_url_lifetime_is_five_minutes_unless_mastery_s3_url_ttl_s_says(
        tmp_path, monkeypatch):
    monkeypatch.delenv("MASTERY_S3_URL_TTL_S", raising=False)
    assert Config(tmp_path).S3_URL_TTL_S == 300
    monkeypatch.setenv("MASTERY_S3_URL_TTL_S", "120")
    assert Config(tmp_path).S3_URL_TTL_S == 120
    for wrong in ("0", "-5", "five", "604801", "1.5"):
        monkeypatch.setenv("MASTERY_S3_URL_TTL_S", wrong)
        with pytest.raises(RuntimeError, match="MASTERY_S3_URL_TTL_S"):
            Config(tmp_path)
