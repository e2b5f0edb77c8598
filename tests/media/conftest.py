"""Real media for the media-layer tests, made once per session by ffmpeg's lavfi sources.

Every sample is tiny (seconds long, mostly below 720p) so the whole folder runs in seconds,
yet each stands for a case teachers really upload: a phone's portrait video, an odd-sized
export, a silent screen recording, a variable-frame-rate clip, files that are not videos.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

FFMPEG = ["ffmpeg", "-nostdin", "-v", "error", "-y"]


def _ffmpeg(*args: str) -> None:
    subprocess.run([*FFMPEG, *args], check=True, timeout=120)


def _picture(size: str, seconds: float, rate: int = 30) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]


def _tone(seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:d={seconds}"]


H264_AAC = [
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-shortest",
]


@dataclass(frozen=True)
class Samples:
    landscape_720: Path  # H.264/AAC MP4, remux candidate
    portrait: Path  # 640x360 stored, rotation flag: a phone held upright
    odd_size: Path  # 641x361 H.264 4:4:4 + Opus in Matroska
    silent: Path  # no audio stream
    vfr: Path  # variable frame rate
    full_hd: Path  # 1080p, 1 s
    audio_only: Path
    text: Path
    image: Path
    empty: Path
    truncated: Path


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        pytest.fail("ffmpeg and ffprobe must be installed (apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp("samples")
    s = Samples(
        landscape_720=folder / "landscape-720p.mp4",
        portrait=folder / "portrait.mp4",
        odd_size=folder / "odd-size.mkv",
        silent=folder / "silent.mkv",
        vfr=folder / "vfr.mp4",
        full_hd=folder / "full-hd.mp4",
        audio_only=folder / "voice-memo.m4a",
        text=folder / "lesson-plan.mp4",
        image=folder / "photo.png",
        empty=folder / "empty.mp4",
        truncated=folder / "cut-off.mp4",
    )
    _ffmpeg(*_picture("1280x720", 2), *_tone(2), *H264_AAC, str(s.landscape_720))
    upright = folder / "upright.mp4"
    _ffmpeg(*_picture("640x360", 2), *_tone(2), *H264_AAC, str(upright))
    # ffmpeg 5.1 has no -display_rotation; the rotate tag is written as a display matrix.
    _ffmpeg("-i", str(upright), "-c", "copy", "-metadata:s:v", "rotate=90", str(s.portrait))
    # lavfi rounds yuv420p sources to even sizes, so crop in RGB and keep 4:4:4.
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=642x362:r=30:d=2,format=rgb24,crop=641:361",
        *_tone(2),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv444p",
        "-c:a",
        "libopus",
        "-shortest",
        str(s.odd_size),
    )
    _ffmpeg(*_picture("640x360", 2), "-c:v", "libx264", "-preset", "ultrafast", str(s.silent))
    # First half second at 30 fps, then 15 fps: nominal and average rates disagree.
    _ffmpeg(
        *_picture("320x240", 2),
        *_tone(4),
        "-vf",
        "setpts='if(lt(N,15),N,15+(N-15)*2)/(30*TB)'",
        "-fps_mode",
        "passthrough",
        *H264_AAC,
        str(s.vfr),
    )
    _ffmpeg(*_picture("1920x1080", 1), *_tone(1), *H264_AAC, str(s.full_hd))
    _ffmpeg(*_tone(2), "-c:a", "aac", str(s.audio_only))
    s.text.write_text("Lesson plan: fractions with pizza slices.\n" * 20)
    _ffmpeg(*_picture("320x240", 1), "-frames:v", "1", str(s.image))
    s.empty.write_bytes(b"")
    whole = s.landscape_720.read_bytes()  # moov is at the end: the first 30 % lacks it
    s.truncated.write_bytes(whole[: int(len(whole) * 0.3)])
    return s
