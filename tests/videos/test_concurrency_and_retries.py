"""Two requests racing for one upload, two uploads finishing at once, and transient
failures that are retried while permanent ones end in `failed`."""
import shutil
import threading
from pathlib import Path

import pytest

from mastery_share.errors import Conflict
from mastery_share.extensions import db
from mastery_share.jobs import huey
from mastery_share.videos.tasks import process_video_job
from mastery_share.videos.models import Video
from mastery_share.videos.processing import retry_delay_s
from mastery_share.videos.services import create_video_from_upload
from mastery_share.videos.storage_access import media_storage
from mastery_share.videos.uploads import create_upload, upload_path
from tests.videos.conftest import DETAILS


def _finished_upload(owner, clip):
    upload = create_upload(owner, clip.stat().st_size, filename=clip.name)
    shutil.copyfile(clip, upload_path(upload))
    return upload.id


def _run_in_threads(app, jobs):
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as error:  # noqa: BLE001 - the test inspects what each got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_one_upload_submitted_twice_at_once_makes_exactly_one_video(app, teacher, clips):
    upload_id = _finished_upload(teacher, clips.short)
    owner_id = teacher.id

    def submit():
        from mastery_share.accounts.models import User

        owner = db.session.get(User, owner_id)
        return create_video_from_upload(owner, upload_id, DETAILS).id

    results = _run_in_threads(app, [submit, submit])
    videos = [r for r in results if isinstance(r, int)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(videos) == 1 and len(conflicts) == 1, results
    db.session.expire_all()
    assert db.session.query(Video).count() == 1
    assert db.session.get(Video, videos[0]).status == "ready"


def test_two_uploads_finishing_at_once_both_become_ready(app, teacher, make_user, clips):
    colleague = make_user("teacher")
    uploads = [(teacher.id, _finished_upload(teacher, clips.short)),
               (colleague.id, _finished_upload(colleague, clips.webm))]

    def submitter(owner_id, upload_id):
        def submit():
            from mastery_share.accounts.models import User

            return create_video_from_upload(db.session.get(User, owner_id), upload_id, DETAILS).id

        return submit

    results = _run_in_threads(app, [submitter(*pair) for pair in uploads])
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    assert [db.session.get(Video, r).status for r in results] == ["ready", "ready"]


@pytest.fixture
def deferred_jobs(app):
    """Queue jobs instead of running them at once, so the test runs them when it chooses."""
    huey.immediate = False
    yield
    huey.flush()
    huey.immediate = True


def _block_rendition_slot(video) -> Path:
    """A directory where the 360p file must go: saving it fails with an OSError, the kind
    of disk trouble that is worth another try."""
    slot = media_storage().local_path(video.original_key).parent / "360p.mp4"
    slot.mkdir()
    return slot


@pytest.mark.embedded("makes the local store fail by putting a folder where a file goes")
def test_a_transient_storage_failure_is_retried_and_then_succeeds(
        app, teacher, share, clips, deferred_jobs):
    app.config["PROCESSING_MAX_ATTEMPTS"] = 3
    video = share(teacher, clips.short)
    slot = _block_rendition_slot(video)
    with pytest.raises(OSError):
        process_video_job.call_local(video.id)
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert (video.status, video.attempts, video.error) == ("queued", 1, None)

    slot.rmdir()  # the disk problem goes away
    process_video_job.call_local(video.id)
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert (video.status, video.attempts) == ("ready", 2)


@pytest.mark.embedded("makes the local store fail by putting a folder where a file goes")
def test_retries_stop_after_the_last_attempt_with_a_clear_failure(
        app, teacher, share, clips, deferred_jobs):
    app.config["PROCESSING_MAX_ATTEMPTS"] = 2
    video = share(teacher, clips.short)
    _block_rendition_slot(video)
    for _ in range(2):
        with pytest.raises(OSError):
            process_video_job.call_local(video.id)
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert video.status == "failed"
    assert "after several tries" in video.error
    assert media_storage().exists(video.original_key)


def test_backoff_doubles_between_attempts():
    assert [retry_delay_s(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
