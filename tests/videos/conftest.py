"""Videos made by ffmpeg's lavfi sources once per session, and helpers to share them."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from mastery_share.videos.services import create_video

FFMPEG = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
# A 720p clip long enough that a worker is still transcoding it when a test kills or stops
# it (the 360p and 720p encodes take several seconds even on a fast machine), short enough
# that finishing it afterwards does not dominate the suite's time.
MID_TRANSCODE_CLIP_S = 15


def make_clip(path: Path, *, size: str = "640x360", seconds: float = 3, audio: bool = True,
              codec: list[str] | None = None) -> Path:
    inputs = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r=30:d={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:d={seconds}"]
    codec = codec or ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    subprocess.run([*FFMPEG, *inputs, *codec, *(["-c:a", "aac", "-shortest"] if audio else []),
                    str(path)], check=True, timeout=120)
    return path


@dataclass(frozen=True)
class Clips:
    short: Path  # 3 s 640x360 H.264/AAC in MP4 (a remux candidate)
    webm: Path  # 3 s 480x270 VP9 without audio in WebM (re-encoded)
    long: Path  # 12 s 1280x720, long enough to interrupt mid-transcode
    text: Path
    empty: Path
    playlist: Path  # an HLS playlist named .mp4 pointing at /etc/passwd


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> Clips:
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg must be installed (apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp("clips")
    text = folder / "notes.mp4"
    text.write_text("These are my lesson notes, not a video.\n" * 10)
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    playlist = folder / "sneaky.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n"
                        "#EXT-X-ENDLIST\n")
    return Clips(
        short=make_clip(folder / "short.mp4"),
        webm=make_clip(folder / "screen.webm", size="480x270", audio=False,
                       codec=["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]),
        long=make_clip(folder / "long.mp4", size="1280x720", seconds=12,
                       codec=["-c:v", "mpeg4", "-q:v", "5"]),
        text=text, empty=empty, playlist=playlist,
    )


DETAILS = {
    "title": "Math centers with a must-do board",
    "description": "How my 4th graders rotate through centers and hold themselves accountable.",
    "practices": ["center-time-accountability", "flexible-grouping"],
    "grade_band": "3-5",
    "subject": "Math",
    "visibility": "district",
    "media_release": True,
}


def api_upload(client, headers, clip: Path, **overrides):
    """POST /api/v1/videos as a multipart form: DETAILS with `overrides` (a None leaves the
    field out; booleans are sent as "true"/"false")."""
    fields = {**DETAILS, **overrides}
    data = {key: ("true" if value is True else "false" if value is False else value)
            for key, value in fields.items() if key != "practices" and value is not None}
    data["practices"] = ",".join(fields["practices"])
    with open(clip, "rb") as handle:
        data["file"] = (handle, clip.name, "video/mp4")
        return client.post("/api/v1/videos", headers=headers, data=data,
                           content_type="multipart/form-data")


@pytest.fixture
def share(tmp_path):
    """share(owner, clip, **details) -> a video created from a copy of `clip`."""

    def factory(owner, clip: Path, **overrides):
        source = tmp_path / f"upload-{clip.name}"
        shutil.copyfile(clip, source)
        return create_video(owner, {**DETAILS, **overrides}, source=source, filename=clip.name)

    return factory
