"""The larger sizes are a job of their own, after the video is playable: a worker that dies
inside it is found and its sizes made again, a size that cannot be made fails alone, and a
reprocess waits until the sizes being made are done."""
from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from mastery_share.db_types import utcnow
from mastery_share.errors import Conflict
from mastery_share.extensions import db
from mastery_share.media.errors import MediaError
from mastery_share.videos.tasks import requeue_stalled_videos
from mastery_share.videos import processing
from mastery_share.videos.models import Video
from mastery_share.videos.services import reprocess_video
from tests.conftest import csrf_token, sign_in


def _sizes(video_id: int) -> dict[str, str]:
    db.session.expire_all()
    return {r.label: r.status for r in db.session.get(Video, video_id).renditions}


@pytest.fixture
def playable_only(app, teacher, share, clips, monkeypatch):
    """share(clip) -> a video made playable whose larger-sizes job was never run."""
    held: list[int] = []
    monkeypatch.setattr(processing, "_encode_higher_renditions_later", held.append)

    def make():
        video = share(teacher, clips.long)  # 1280x720: 360p first, then 720p
        assert held == [video.id]
        return video.id

    return make


def _dead_worker() -> str:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return f"{socket.gethostname()}:{child.stdout.strip()}"


def test_a_playable_video_shows_its_first_size_while_the_larger_ones_wait(playable_only):
    video_id = playable_only()
    video = db.session.get(Video, video_id)
    assert video.status == "ready" and video.worker is None and 0 < video.progress < 100
    assert _sizes(video_id) == {"360p": "ready", "720p": "queued"}


def test_larger_sizes_left_by_a_dead_worker_are_made_again(app, playable_only):
    video_id = playable_only()
    video = db.session.get(Video, video_id)
    video.worker, video.heartbeat_at = _dead_worker(), utcnow()
    next(r for r in video.renditions if r.label == "720p").status = "processing"
    db.session.commit()

    assert requeue_stalled_videos() == 1  # the job runs inline in tests
    assert _sizes(video_id) == {"360p": "ready", "720p": "ready"}
    video = db.session.get(Video, video_id)
    assert video.progress == 100 and video.worker is None and video.heartbeat_at is None


def test_a_lost_larger_sizes_job_is_queued_again_only_once_it_is_stale(app, playable_only):
    video_id = playable_only()
    assert requeue_stalled_videos() == 0  # just queued: another thread will take it
    video = db.session.get(Video, video_id)
    video.updated_at = utcnow() - timedelta(seconds=app.config["PROCESSING_STALE_AFTER_S"] + 1)
    db.session.commit()
    assert requeue_stalled_videos() == 1
    assert _sizes(video_id) == {"360p": "ready", "720p": "ready"}


def test_a_size_that_cannot_be_made_fails_alone_and_the_video_stays_playable(
        app, playable_only, monkeypatch):
    from mastery_share.videos.tasks import encode_higher_renditions_job

    video_id = playable_only()

    def broken(*args, **kwargs):
        raise MediaError("The encoder refused.", "x264 [error]: broken")

    monkeypatch.setattr(processing, "run_ffmpeg", broken)
    encode_higher_renditions_job(video_id)
    assert _sizes(video_id) == {"360p": "ready", "720p": "failed"}
    video = db.session.get(Video, video_id)
    assert video.status == "ready" and video.progress == 100 and video.worker is None


def test_reprocess_waits_while_the_larger_sizes_are_made(app, teacher, playable_only):
    video_id = playable_only()
    video = db.session.get(Video, video_id)
    video.worker, video.heartbeat_at = processing.worker_identity(), utcnow()
    db.session.commit()
    with pytest.raises(Conflict, match="larger sizes are being made"):
        reprocess_video(teacher, video_id)


def test_the_reprocess_button_meanwhile_says_why_on_the_video_s_page(app, client, teacher,
                                                                   playable_only):
    video_id = playable_only()
    video = db.session.get(Video, video_id)
    video.worker, video.heartbeat_at = processing.worker_identity(), utcnow()
    db.session.commit()
    sign_in(client, teacher)
    answer = client.post(f"/videos/{video_id}/reprocess",
                         data={"csrf_token": csrf_token(client, f"/videos/{video_id}/edit")})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/videos/{video_id}")
    page = client.get(f"/videos/{video_id}").get_data(as_text=True)
    assert "larger sizes are being made right now" in page
    assert db.session.get(Video, video_id).status == "ready"  # nothing was reset
