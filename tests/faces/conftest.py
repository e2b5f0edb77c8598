"""Clips with real faces, made once per session (tests/faces/clips.py)."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from mastery_share.videos.storage_access import media_storage

from tests.videos.conftest import clips, share  # noqa: F401  (fixtures)

from .clips import Clip, MovingFace, make_clip

# The face that moves across the frame, and a different-looking one that stays put.
WALKER = MovingFace(start=(20, 20), end=(460, 60), head_height=110)
TEACHER = MovingFace(start=(480, 215), end=(470, 220), head_height=100, mirrored=True)
THIRD = MovingFace(start=(60, 230), end=(80, 230), head_height=90)


@dataclass(frozen=True)
class FaceClips:
    two: Clip  # WALKER and TEACHER, 3 s
    three: Clip  # WALKER, TEACHER and THIRD, 2 s


@pytest.fixture(scope="session")
def face_clips(tmp_path_factory) -> FaceClips:
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg must be installed (apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp("face-clips")
    return FaceClips(two=make_clip(folder / "two-faces.mp4", (WALKER, TEACHER)),
                     three=make_clip(folder / "three-faces.mp4", (WALKER, TEACHER, THIRD),
                                     seconds=2.0))


def stored_file(key: str, folder: Path) -> Path:
    """A stored object copied to a local file (the store may be S3)."""
    target = folder / key.replace("/", "_")
    with media_storage().open(key) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    return target
