"""Speech clips made with espeak-ng, the real Whisper model, and a fake model for the rules.

The real model is built from the two pinned wheels by the project's own setup module (or
reused from the virtualenv, where `make` puts it); without the wheels these tests are
skipped, except in CI where they must run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mastery_share.extensions import db
from mastery_share.transcripts import jobs
from mastery_share.transcripts.cues import cues_to_vtt
from mastery_share.transcripts.model_setup import (
    ModelSetupError,
    build_model_dir,
    model_is_ready,
)
from mastery_share.transcripts.speech import REQUIRED_FILES, Cue, model_files_present
from mastery_share.videos.models import Video
from tests.videos.conftest import FFMPEG, share  # noqa: F401  (the share fixture)

SENTENCE = "Students work in flexible groups and check their goals every day."
CUES = [Cue(0.5, 2.0, "Students work in flexible groups."),
        Cue(2.0, 3.5, "They check their goals every day."),
        Cue(3.5, 5.0, "Then they adjust.")]


def _unusable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the transcript tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def whisper_model(tmp_path_factory) -> Path:
    """A verified Whisper base model directory."""
    configured = os.environ.get("MASTERY_WHISPER_MODEL")
    if configured and model_files_present(configured):
        return Path(configured)
    in_venv = Path(sys.prefix) / "whisper-base"
    if model_is_ready(in_venv):
        return in_venv
    try:
        return build_model_dir(tmp_path_factory.mktemp("whisper") / "whisper-base")
    except ModelSetupError as error:
        _unusable(f"no Whisper model: {error}")


@pytest.fixture
def fake_model(tmp_path) -> Path:
    """A directory that looks like a model, for tests that replace the recogniser."""
    folder = tmp_path / "fake-model"
    folder.mkdir()
    for name in REQUIRED_FILES:
        (folder / name).write_bytes(b"")
    return folder


@pytest.fixture
def app_overrides(request):
    """The app uses the real model, the fake one, or none, as the test asks."""
    for name in ("whisper_model", "fake_model"):
        if name in request.fixturenames:
            return {"WHISPER_MODEL": str(request.getfixturevalue(name))}
    return {"WHISPER_MODEL": None}


@dataclass(frozen=True)
class SpeechClips:
    speech: Path  # ~5 s of synthetic speech (SENTENCE) over a test picture, H.264/AAC MP4
    quiet: Path  # 3 s with a silent audio track
    mute: Path  # 3 s with no audio track at all


def _video_with_audio(out: Path, audio_input: list[str], seconds: float) -> Path:
    subprocess.run([*FFMPEG, "-f", "lavfi", "-i", f"testsrc2=s=320x240:r=25:d={seconds}",
                    *audio_input, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    *(["-c:a", "aac", "-shortest"] if audio_input else []), str(out)],
                   check=True, timeout=120)
    return out


@pytest.fixture(scope="session")
def speech_clips(tmp_path_factory) -> SpeechClips:
    if shutil.which("espeak-ng") is None:
        _unusable("espeak-ng is not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("speech")
    wav = folder / "speech.wav"
    # A US voice, a little slower than espeak's default, is what Whisper base hears reliably.
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "120", "-w", str(wav), SENTENCE],
                   check=True, timeout=60)
    return SpeechClips(
        speech=_video_with_audio(folder / "speech.mp4", ["-i", str(wav)], 8),
        quiet=_video_with_audio(folder / "quiet.mp4",
                                ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono:d=3"], 3),
        mute=_video_with_audio(folder / "mute.mp4", [], 3),
    )


@pytest.fixture
def transcribed(app, teacher, share, speech_clips):  # noqa: F811
    """A shared video with automatic captions (CUES), stored as the job stores them but
    without running the model."""
    video = db.session.get(Video, share(teacher, speech_clips.speech).id)
    video.captions_key = jobs.save_auto_captions_file(video, cues_to_vtt(CUES))
    video.captions_source, video.transcript_status = "auto", "done"
    db.session.commit()
    return video
