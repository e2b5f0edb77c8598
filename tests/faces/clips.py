"""Classroom-like test clips with real faces that move, and how sharp a region of a frame is.

The faces are the astronaut photograph scikit-image ships (Eileen Collins, public domain),
over a brick wall (also from scikit-image: sharp texture, no faces). Each face's true box is
known for every frame, so a test can check the blur where the faces really are.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from skimage import data

# The astronaut's head (hair to chin) in the 512 x 512 photograph, and her face inside it
# (what the detector boxes), as fractions of the head crop.
_HEAD = (150, 20, 300, 210)  # x0, y0, x1, y1
_FACE_IN_HEAD = (31 / 150, 38 / 190, 120 / 150, 158 / 190)


@dataclass(frozen=True)
class MovingFace:
    start: tuple[int, int]  # top-left of the head at the first frame
    end: tuple[int, int]  # ... and at the last
    head_height: int  # pixels
    mirrored: bool = False  # a second, different-looking face

    def head_at(self, share: float) -> tuple[int, int]:
        return (round(self.start[0] + (self.end[0] - self.start[0]) * share),
                round(self.start[1] + (self.end[1] - self.start[1]) * share))


@dataclass(frozen=True)
class Clip:
    path: Path
    width: int
    height: int
    fps: int
    frames: int
    faces: tuple[MovingFace, ...]

    def face_box(self, face: MovingFace, frame_index: int) -> tuple[int, int, int, int]:
        """The face (brows to chin) of `face` in frame `frame_index`, in pixels."""
        x, y = face.head_at(frame_index / max(1, self.frames - 1))
        width = round(face.head_height * (_HEAD[2] - _HEAD[0]) / (_HEAD[3] - _HEAD[1]))
        fx0, fy0, fx1, fy1 = _FACE_IN_HEAD
        if face.mirrored:
            fx0, fx1 = 1 - fx1, 1 - fx0
        return (x + round(fx0 * width), y + round(fy0 * face.head_height),
                x + round(fx1 * width), y + round(fy1 * face.head_height))


def _head(height: int, mirrored: bool) -> np.ndarray:
    x0, y0, x1, y1 = _HEAD
    crop = data.astronaut()[y0:y1, x0:x1]
    if mirrored:
        crop = crop[:, ::-1]
    width = round(height * (x1 - x0) / (y1 - y0))
    return cv2.resize(np.ascontiguousarray(crop), (width, height), interpolation=cv2.INTER_AREA)


def _wall(width: int, height: int) -> np.ndarray:
    brick = cv2.cvtColor(data.brick(), cv2.COLOR_GRAY2RGB)
    rows, cols = -(-height // brick.shape[0]), -(-width // brick.shape[1])
    return np.ascontiguousarray(np.tile(brick, (rows, cols, 1))[:height, :width])


def frame_of(clip: Clip, index: int) -> np.ndarray:
    frame = _wall(clip.width, clip.height).copy()
    for face in clip.faces:
        head = _head(face.head_height, face.mirrored)
        x, y = face.head_at(index / max(1, clip.frames - 1))
        frame[y:y + head.shape[0], x:x + head.shape[1]] = head
    return frame


def make_clip(path: Path, faces: tuple[MovingFace, ...], *, width: int = 640, height: int = 360,
              fps: int = 25, seconds: float = 3.0, sound: bool = True) -> Clip:
    """Encode the clip as H.264/AAC MP4 (near-lossless, so the source itself is sharp)."""
    clip = Clip(path, width, height, fps, round(fps * seconds), faces)
    argv = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps),
            "-i", "pipe:0"]
    if sound:
        argv += ["-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
                 "-c:a", "aac", "-shortest"]
    argv += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p",
             "-movflags", "+faststart", str(path)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE) as process:
        assert process.stdin is not None
        for index in range(clip.frames):
            process.stdin.write(frame_of(clip, index).tobytes())
        process.stdin.close()
        assert process.wait(timeout=300) == 0
    return clip


def decode_frames(path: Path, width: int, height: int) -> list[np.ndarray]:
    """Every frame of a video as RGB arrays of the given size."""
    raw = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(path),
                          "-vf", f"scale={width}:{height}", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "pipe:1"],
                         check=True, capture_output=True, timeout=300).stdout
    size = width * height * 3
    return [np.frombuffer(raw[i:i + size], np.uint8).reshape(height, width, 3)
            for i in range(0, len(raw) - size + 1, size)]


def sharpness(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Variance of the Laplacian inside the box: high for detail, near zero for a blur."""
    x0, y0, x1, y1 = box
    grey = cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())
