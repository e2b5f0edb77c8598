"""Decide whether a probed upload is a video we accept, before spending minutes converting it.

The limits protect the workers (a 4-hour or 8K upload would hold a 2-core machine for hours)
and match what the product is for: short classroom clips. Each refusal is a sentence the
teacher can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import MediaError
from .probe import ProbeResult


@dataclass(frozen=True)
class Limits:
    """What an accepted video may be; the defaults follow DESIGN.md (1–20 minute clips)."""

    max_duration_s: float = 20 * 60
    min_duration_s: float = 0.5
    max_side_px: int = 4096
    max_pixels: int = 8_912_896  # 8.9 megapixels: 4096x2176, so DCI 4K fits, 8K does not
    max_size_bytes: int | None = None


DEFAULT_LIMITS = Limits()


def validate(probe: ProbeResult, limits: Limits = DEFAULT_LIMITS) -> None:
    """Return quietly when ``probe`` is a video within ``limits``; otherwise raise ``MediaError``."""
    if not probe.has_video:
        if probe.has_audio:
            raise MediaError("The video has no picture, only sound.")
        raise MediaError("This file has no video in it.")
    _check_duration(probe, limits)
    _check_picture(probe, limits)
    if limits.max_size_bytes is not None and probe.size_bytes > limits.max_size_bytes:
        raise MediaError(f"The file is larger than {_megabytes(limits.max_size_bytes)}.")


def _check_duration(probe: ProbeResult, limits: Limits) -> None:
    if probe.duration_s is None:
        raise MediaError("We could not tell how long this video is; it may be damaged.")
    if probe.duration_s > limits.max_duration_s:
        raise MediaError(f"The video is longer than {_span(limits.max_duration_s)}.")
    if probe.duration_s < limits.min_duration_s:
        raise MediaError(f"The video is shorter than {_span(limits.min_duration_s)}.")


def _check_picture(probe: ProbeResult, limits: Limits) -> None:
    if probe.width <= 0 or probe.height <= 0:
        raise MediaError("We could not read the picture size of this video; it may be damaged.")
    if max(probe.width, probe.height) > limits.max_side_px:
        raise MediaError(
            f"The picture is {probe.display_width}x{probe.display_height} pixels; "
            f"we accept at most {limits.max_side_px} pixels on a side."
        )
    if probe.width * probe.height > limits.max_pixels:
        raise MediaError(
            f"The picture is larger than {limits.max_pixels / 1e6:.1f} megapixels; "
            "please export the video at 4K or smaller."
        )


def _span(seconds: float) -> str:
    """20 * 60 -> "20 minutes", 90 -> "90 seconds", 1 -> "1 second"."""
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    if seconds == 1:
        return "1 second"
    return f"{seconds:g} seconds"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
