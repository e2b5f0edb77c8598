"""A shared video becomes playable renditions and a poster; bad files end as `failed`
with a reason the teacher can read, and the original is kept for a reprocess."""
import subprocess

import pytest

from mastery_share.extensions import db
from mastery_share.videos.models import Video
from mastery_share.videos.services import reprocess_video
from mastery_share.videos.storage_access import media_storage


def _streams(path) -> list[str]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name",
                          "-of", "csv=p=0", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.embedded("probes the stored renditions as files on the local disk")
def test_uploaded_h264_clip_is_ready_with_a_remuxed_rendition_and_a_poster(app, teacher, share, clips):
    video = share(teacher, clips.short)
    db.session.refresh(video)
    assert video.status == "ready", video.error
    assert video.progress == 100
    assert (video.width, video.height) == (640, 360)
    assert 2.5 < video.duration_s < 3.5
    [rendition] = video.renditions
    assert (rendition.label, rendition.method, rendition.status) == ("360p", "remux", "ready")
    storage = media_storage()
    assert _streams(storage.local_path(rendition.storage_key)) == ["h264", "aac"]
    assert storage.read_bytes(video.poster_key)[:3] == b"\xff\xd8\xff"  # a JPEG
    assert storage.exists(video.original_key)


@pytest.mark.embedded("probes the stored renditions as files on the local disk")
def test_webm_screen_recording_is_encoded_without_an_audio_track(app, teacher, share, clips):
    video = share(teacher, clips.webm)
    db.session.refresh(video)
    assert video.status == "ready", video.error
    [rendition] = video.renditions
    assert rendition.method == "encode"
    assert _streams(media_storage().local_path(rendition.storage_key)) == ["h264"]


def test_text_file_fails_with_a_readable_reason_and_the_original_is_kept(app, teacher, share, clips):
    video = share(teacher, clips.text)
    db.session.refresh(video)
    assert video.status == "failed"
    assert "video" in video.error.lower() and "ffmpeg" not in video.error.lower()
    assert media_storage().exists(video.original_key)


def test_empty_file_fails_with_a_readable_reason(app, teacher, share, clips):
    video = share(teacher, clips.empty)
    db.session.refresh(video)
    assert video.status == "failed"
    assert "empty" in video.error.lower()


def test_playlist_posing_as_mp4_fails_without_reading_what_it_points_to(app, teacher, share, clips):
    video = share(teacher, clips.playlist)
    db.session.refresh(video)
    assert video.status == "failed"
    assert video.renditions == [] or all(r.storage_key is None for r in video.renditions)


def test_too_long_video_fails_with_the_limit_named(app, teacher, share, clips):
    app.config["MAX_VIDEO_SECONDS"] = 2
    video = share(teacher, clips.short)
    db.session.refresh(video)
    assert video.status == "failed"
    assert "longer than" in video.error


def test_failed_video_is_reprocessed_from_the_kept_original(app, teacher, share, clips):
    app.config["MAX_VIDEO_SECONDS"] = 2
    video = share(teacher, clips.short)
    app.config["MAX_VIDEO_SECONDS"] = 1200
    reprocess_video(teacher, video.id)
    video = db.session.get(Video, video.id)
    db.session.refresh(video)
    assert video.status == "ready", video.error
    assert video.error is None


def test_reprocess_command_line(app, teacher, share, clips):
    app.config["MAX_VIDEO_SECONDS"] = 2
    video = share(teacher, clips.short)
    app.config["MAX_VIDEO_SECONDS"] = 1200
    result = app.test_cli_runner().invoke(args=["videos", "reprocess", str(video.id)])
    assert result.exit_code == 0, result.output
    db.session.refresh(video)
    assert video.status == "ready"


def test_a_cut_off_file_whose_index_survived_fails_as_incomplete(app, teacher, share, clips, tmp_path):
    # Faststart puts the index first: a cut-off copy still probes with the full duration.
    faststart = tmp_path / "faststart.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clips.long), "-c", "copy",
                    "-movflags", "+faststart", str(faststart)], check=True)
    cut = tmp_path / "cut.mp4"
    data = faststart.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    video = share(teacher, cut)
    db.session.refresh(video)
    assert video.status == "failed", video.status
    assert "incomplete" in video.error or "damaged" in video.error


def test_expired_uploads_are_purged_from_disk(app, teacher):
    from datetime import timedelta

    from mastery_share.db_types import utcnow
    from mastery_share.videos.uploads import create_upload, purge_expired_uploads, upload_path

    stale = create_upload(teacher, 10, filename="a.mp4")
    fresh = create_upload(teacher, 10, filename="b.mp4")
    stale.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert purge_expired_uploads() == 1
    assert not upload_path(stale).exists() and upload_path(fresh).exists()
