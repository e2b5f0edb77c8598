"""Hand-made ProbeResults for the pure planning and argument tests (no ffmpeg needed)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from mastery_share.media.probe import ProbeResult

_BASE = ProbeResult(
    format_name="mov,mp4,m4a,3gp,3g2,mj2",
    demuxer="mov",
    duration_s=60.0,
    size_bytes=30_000_000,
    bit_rate=4_000_000,
    has_video=True,
    width=1280,
    height=720,
    display_width=1280,
    display_height=720,
    rotation=0,
    video_codec="h264",
    pix_fmt="yuv420p",
    sample_aspect_ratio=Fraction(1),
    frame_rate=Fraction(30),
    r_frame_rate=Fraction(30),
    is_variable_frame_rate=False,
    video_bit_rate=3_800_000,
    has_audio=True,
    audio_codec="aac",
    audio_channels=2,
    audio_bit_rate=128_000,
)


def fake_probe(**changes: Any) -> ProbeResult:
    """A 60 s 720p30 H.264/AAC MP4, with ``changes``; width/height also set display size."""
    if "width" in changes and "display_width" not in changes:
        changes["display_width"] = changes["width"]
    if "height" in changes and "display_height" not in changes:
        changes["display_height"] = changes["height"]
    return replace(_BASE, **changes)
