"""run_ffmpeg(): timeouts end ffmpeg, failures carry a readable reason and the stderr tail."""

from __future__ import annotations

import time

import pytest

from mastery_share.media import MediaError, run_ffmpeg


def test_a_run_over_its_timeout_is_killed_and_reported(tmp_path):
    endless = ["-re", "-f", "lavfi", "-i", "testsrc2=s=64x64:r=10", "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(MediaError) as caught:
        run_ffmpeg(endless, timeout=1)
    assert caught.value.reason == "Processing took too long."
    assert time.monotonic() - started < 5


def test_a_failing_run_keeps_the_stderr_tail(tmp_path):
    missing = tmp_path / "missing.mp4"
    with pytest.raises(MediaError) as caught:
        run_ffmpeg(["-i", f"file:{missing}", "-f", "null", "-"], timeout=10)
    assert caught.value.reason == "The video could not be converted."
    assert "No such file or directory" in caught.value.detail


def test_a_missing_ffmpeg_binary_is_reported():
    with pytest.raises(MediaError, match="not available"):
        run_ffmpeg(["-version"], timeout=5, ffmpeg_bin="/nonexistent/ffmpeg")


def test_progress_is_reported_once_per_percent():
    seen: list[int] = []
    args = ["-f", "lavfi", "-i", "testsrc2=s=64x64:r=25:d=2", "-f", "null", "-"]
    run_ffmpeg(args, timeout=20, on_progress=seen.append, duration_s=2.0)
    assert seen[-1] == 100
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
