"""probe(): what it reports for real files, and how it refuses files that are not videos."""

from __future__ import annotations

import pytest

from mastery_share.media import MediaError, probe


def test_probe_reports_a_phone_style_mp4(samples):
    result = probe(samples.landscape_720)
    assert result.demuxer == "mov"
    assert (result.width, result.height) == (1280, 720)
    assert (result.display_width, result.display_height) == (1280, 720)
    assert result.video_codec == "h264" and result.pix_fmt == "yuv420p"
    assert result.has_audio and result.audio_codec == "aac"
    assert result.duration_s == pytest.approx(2.0, abs=0.1)
    assert result.frame_rate == 30 and not result.is_variable_frame_rate
    assert result.size_bytes == samples.landscape_720.stat().st_size


def test_rotated_video_is_reported_portrait(samples):
    result = probe(samples.portrait)
    assert (result.width, result.height) == (640, 360)  # as stored
    assert result.rotation in (90, 270)
    assert (result.display_width, result.display_height) == (360, 640)
    assert result.is_portrait and result.short_side == 360


def test_odd_sized_matroska_is_read(samples):
    result = probe(samples.odd_size)
    assert result.demuxer == "matroska"
    assert (result.width, result.height) == (641, 361)
    assert result.audio_codec == "opus"


def test_silent_video_has_no_audio(samples):
    result = probe(samples.silent)
    assert result.has_video and not result.has_audio and result.audio_codec is None


def test_variable_frame_rate_is_detected(samples):
    result = probe(samples.vfr)
    assert result.is_variable_frame_rate
    assert result.r_frame_rate == 30 and result.frame_rate < 30


def test_audio_only_file_probes_without_video(samples):
    result = probe(samples.audio_only)
    assert not result.has_video and result.has_audio


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty", "The file is empty."),
        ("text", "This file is not a video we can read."),
        ("image", "This file is not a video we can read."),
        (
            "truncated",
            "This file seems to be incomplete; the upload may have been cut off. Please upload it again.",
        ),
    ],
)
def test_files_that_are_not_videos_are_refused_with_a_readable_reason(samples, name, reason):
    with pytest.raises(MediaError) as caught:
        probe(getattr(samples, name))
    assert caught.value.reason == reason


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(MediaError, match="could not be found"):
        probe(tmp_path / "gone.mp4")
