"""While a video's first playable rendition is made, it holds the machine's urgent lease
(transcriptions stand still); the higher renditions do not, and the lease never outlives
the job, whatever becomes of it."""
from __future__ import annotations

from flask import current_app

from mastery_share.urgent_work import urgent_work_running
from mastery_share.videos import processing
from tests.videos.conftest import make_clip


def _ffmpeg_spy(monkeypatch, seen: list[bool]):
    original = processing.run_ffmpeg

    def spy(args, **options):
        seen.append(urgent_work_running(current_app.config["DATA_DIR"]))
        return original(args, **options)

    monkeypatch.setattr(processing, "run_ffmpeg", spy)


def test_only_the_poster_and_first_rendition_hold_the_lease(
        app, teacher, share, monkeypatch, tmp_path):
    seen: list[bool] = []
    _ffmpeg_spy(monkeypatch, seen)
    clip = make_clip(tmp_path / "hd.mp4", size="1280x720", seconds=2,
                     codec=["-c:v", "mpeg4", "-q:v", "5"])  # re-encoded: 360p, then 720p
    video = share(teacher, clip)
    assert video.status == "ready", video.error
    assert seen == [True, True, False]  # poster, 360p, then 720p with transcripts free
    assert not urgent_work_running(app.config["DATA_DIR"])


def test_a_failed_video_releases_the_lease(app, teacher, share, clips):
    video = share(teacher, clips.text)
    assert video.status == "failed"
    assert not urgent_work_running(app.config["DATA_DIR"])
