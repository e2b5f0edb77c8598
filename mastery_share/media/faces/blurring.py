"""Blurring faces into a new master file that every rendition and the poster are made from.

ffmpeg decodes the original at the largest rendition's size and frame rate (a 4K phone video
is blurred at 1080p); each frame's faces (every track the teacher did not keep) are replaced
by a coarse mosaic, smoothed, so no feature of a face survives (a light Gaussian smear can be
undone or still recognised); a second ffmpeg encodes the frames with the original's sound,
exactly as that rendition, which is then a stream copy of the master. Viewers only ever get
the renditions; the master stays in the media store.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from ..build_args import encode_option_args
from ..formats import file_url
from ..frame_pipes import frame_writer, read_frames
from ..probe import ProbeResult
from ..profiles import VFR_OUTPUT_FRAME_RATE, RenditionPlan
from .detection import input_args
from .tracks import Detection, box_at, padded

MOSAIC_CELLS = 6  # across the face's longer side: a face becomes 36 flat patches


def blur_region(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    """Mosaic then smooth the region in place."""
    region = frame[y0:y1, x0:x1]
    height, width = region.shape[:2]
    if width < 2 or height < 2:
        return
    cell = max(width, height) / MOSAIC_CELLS
    small = (max(1, round(width / cell)), max(1, round(height / cell)))
    mosaic = cv2.resize(cv2.resize(region, small, interpolation=cv2.INTER_AREA),
                        (width, height), interpolation=cv2.INTER_NEAREST)
    kernel = max(3, int(cell) // 2 * 2 + 1)
    region[:] = cv2.GaussianBlur(mosaic, (kernel, kernel), 0)


def _planes(frame: np.ndarray, width: int, height: int):
    luma_size, chroma_size = width * height, (width // 2) * (height // 2)
    return (frame[:luma_size].reshape(height, width),
            frame[luma_size:luma_size + chroma_size].reshape(height // 2, width // 2),
            frame[luma_size + chroma_size:].reshape(height // 2, width // 2))


def blur_faces(info: ProbeResult, source: Path, target: Path,
               tracks: Sequence[list[Detection]], plan: RenditionPlan, timeout: float,
               on_progress: Callable[[float], None] | None = None) -> None:
    """Write `target`: the source with every given track's face blurred in every frame (the
    tracks' boxes in the source's display pixels), encoded exactly as the rendition `plan`
    (the largest), so that rendition is a stream copy of it and nothing is encoded twice."""
    width, height, rate = plan.width, plan.height, plan.frame_rate or VFR_OUTPUT_FRAME_RATE
    # YUV 4:2:0 through the pipes, the encoder's own format: half the bytes of RGB, and no
    # colour conversion on either side.
    decode = [*input_args(info, source), "-map", "0:v:0",
              "-vf", f"fps={rate},scale={width}:{height},setsar=1",
              "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]
    encode = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}",
              "-framerate", str(rate), "-i", "pipe:0"]
    if info.has_audio:
        encode += [*input_args(info, source), "-map", "0:v", "-map", "1:a:0"]
    encode += [*encode_option_args(info, plan), "-y", file_url(target)]
    total = max(1.0, (info.duration_s or 1.0) * float(rate))
    # The tracks are in the display's pixels; the rendition may be smaller.
    scale_x, scale_y = width / info.display_width, height / info.display_height
    with frame_writer(encode, timeout) as write:
        frames = read_frames(decode, width, height, timeout, pix_fmt="yuv420p")
        for index, frame in enumerate(frames):
            luma, chroma_u, chroma_v = _planes(frame, width, height)
            t = index / float(rate)
            for detections in tracks:
                box = box_at(detections, t)
                if box is not None:
                    x0, y0, x1, y1 = padded((box[0] * scale_x, box[1] * scale_y,
                                             box[2] * scale_x, box[3] * scale_y), width, height)
                    blur_region(luma, x0, y0, x1, y1)
                    for plane in (chroma_u, chroma_v):  # half the size each way
                        blur_region(plane, x0 // 2, y0 // 2, -(-x1 // 2), -(-y1 // 2))
            write(frame)
            if on_progress is not None and index % 15 == 0:
                on_progress(min(1.0, index / total))
