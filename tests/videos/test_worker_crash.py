"""A worker killed with SIGKILL mid-transcode leaves nothing stuck: the next worker that
starts takes the video over and finishes it. Real processes, real ffmpeg."""
import signal
import threading

import pytest

from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.real_worker import start_worker as _start_worker
from tests.videos.conftest import MID_TRANSCODE_CLIP_S, make_clip
from tests.waiting import wait_until


def _video(video_id) -> Video:
    db.session.expire_all()
    return db.session.get(Video, video_id)


def test_video_killed_mid_transcode_is_finished_by_the_next_worker(
        app, teacher, share, tmp_path, queued_for_real_worker):
    clip = make_clip(tmp_path / "lesson.mp4", size="1280x720", seconds=MID_TRANSCODE_CLIP_S,
                     codec=["-c:v", "mpeg4", "-q:v", "6"])
    video = share(teacher, clip)
    assert _video(video.id).status == "queued"

    worker = _start_worker(app, queued_for_real_worker)
    try:
        assert wait_until(lambda: _video(video.id).status == "processing"
                     and _video(video.id).progress > 0, timeout=180), "processing never started"
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=30)
    stuck = _video(video.id)
    assert stuck.status == "processing" and stuck.progress < 100

    restarted = _start_worker(app, queued_for_real_worker)
    try:
        assert wait_until(lambda: _video(video.id).progress == 100, timeout=240), \
            f"not finished: {_video(video.id).status} {_video(video.id).progress}%"
    finally:
        restarted.send_signal(signal.SIGINT)
        output, _ = restarted.communicate(timeout=30)
    done = _video(video.id)
    assert done.status == "ready"
    assert done.attempts == 2
    assert sorted(r.label for r in done.renditions if r.status == "ready") == ["360p", "720p"]
    assert "requeued 1 video" in output


@pytest.mark.embedded("looks for leftover files on the local disk")
def test_a_video_deleted_mid_transcode_ends_the_job_quietly_and_leaves_no_files(
        app, teacher, share, tmp_path, queued_for_real_worker):
    from mastery_share.videos.services import delete_video
    from mastery_share.videos.storage_access import media_storage

    clip = make_clip(tmp_path / "lesson.mp4", size="1280x720", seconds=MID_TRANSCODE_CLIP_S,
                     codec=["-c:v", "mpeg4", "-q:v", "6"])
    video = share(teacher, clip)
    video_id, prefix = video.id, video.media_prefix
    folder = media_storage().local_path(video.original_key).parent

    lines: list[str] = []
    worker = _start_worker(app, queued_for_real_worker)
    collector = threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True)
    collector.start()
    try:
        assert wait_until(lambda: _video(video_id).status == "processing"
                          and _video(video_id).progress > 0, timeout=300), \
            "processing never started"
        delete_video(teacher, video_id)
        assert wait_until(lambda: any("was deleted while it was processed" in line
                                      for line in lines), timeout=300), "".join(lines)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
        collector.join(timeout=30)
        worker.stdout.close()
    output = "".join(lines)
    assert "Traceback" not in output, output
    assert _video(video_id) is None
    assert not folder.exists() or not any(folder.iterdir()), \
        f"files left behind under {prefix}: {list(folder.iterdir())}"
