"""The rendition ladder: which MP4s a source gets, at what size and frame rate.

Pure functions of a ``ProbeResult``, so every sizing rule is unit-tested without ffmpeg.

Rules (DESIGN.md section 4):

* rungs are 360p, 720p and 1080p, where "p" is the *short* side of the displayed picture,
  so a portrait phone video stays portrait (720p portrait is 720x1280);
* never upscale: only rungs no taller than the source; a source below 360p gets one
  rendition at its own size;
* a source between rungs that is clearly sharper than the rung below it (at least 25 %
  taller, e.g. 480p or 540p) also gets a rendition at its own size, so it is not reduced
  to 360p; 1080p is the top, larger sources are scaled down to it;
* dimensions are even (H.264 in yuv420p needs that), rounding the long side;
* output is constant frame rate, at most 30 fps: teachers and students talking need no
  more, and it halves the encode time of 60 fps phone footage;
* the rendition at the source's own size is a stream copy (remux) when the source is
  already browser-ready H.264/AAC MP4, which takes a second instead of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from .probe import ProbeResult


@dataclass(frozen=True)
class Rung:
    """One step of the ladder; the bit rate caps keep CRF from bursting on noisy footage."""

    short_side: int
    video_maxrate_kbps: int
    audio_kbps: int


LADDER: tuple[Rung, ...] = (
    Rung(360, video_maxrate_kbps=1_000, audio_kbps=96),
    Rung(720, video_maxrate_kbps=3_000, audio_kbps=128),
    Rung(1080, video_maxrate_kbps=6_000, audio_kbps=128),
)
OWN_SIZE_STEP = 1.25  # an in-between source gets its own rendition when this much taller
MAX_FRAME_RATE = Fraction(30)
VFR_OUTPUT_FRAME_RATE = Fraction(30)
# Stream copy keeps the source's bit rate; above this a phone's 17 Mbit/s 1080p would
# stall on school Wi-Fi, so such sources are re-encoded instead.
REMUX_MAX_BIT_RATE = 10_000_000

# libx264 settings shared by every rung: veryfast is the knee of speed vs size on 2 cores,
# CRF 23 is x264's visually-good default, High profile plays on every current browser/phone.
X264_PRESET = "veryfast"
X264_CRF = 23
X264_PROFILE = "high"
PIX_FMT = "yuv420p"


@dataclass(frozen=True)
class RenditionPlan:
    """One MP4 to produce: its label ("720p"), display size and how to make it."""

    label: str
    width: int
    height: int
    mode: Literal["encode", "remux"]
    frame_rate: Fraction | None  # output rate for "encode"; None when copying
    audio: bool  # False: the MP4 gets no audio track at all (silent source)
    video_maxrate_kbps: int
    audio_kbps: int

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


def plan_renditions(probe: ProbeResult) -> list[RenditionPlan]:
    """The renditions for ``probe``, smallest first; assumes ``validate`` accepted it."""
    source = probe.short_side
    heights = [rung.short_side for rung in LADDER if rung.short_side <= source]
    top = LADDER[-1].short_side
    if not heights:
        heights = [_even(source)]
    elif source < top and source not in heights and source >= heights[-1] * OWN_SIZE_STEP:
        heights.append(_even(source))
    remux_ok = can_remux(probe)
    plans = []
    for height in heights:
        mode: Literal["encode", "remux"] = "encode"
        if remux_ok and height == source:
            mode = "remux"
        plans.append(_plan(probe, height, mode))
    return plans


def can_remux(probe: ProbeResult) -> bool:
    """True when the source can be served as is (stream copy into a faststart MP4)."""
    return (
        probe.demuxer == "mov"
        and probe.video_codec == "h264"
        and probe.pix_fmt == PIX_FMT
        and (not probe.has_audio or probe.audio_codec == "aac")
        # A rotation flag or non-square pixels would be copied as metadata that some
        # players ignore; re-encoding bakes them into the picture instead.
        and probe.rotation == 0
        and probe.sample_aspect_ratio == 1
        and probe.width % 2 == 0
        and probe.height % 2 == 0
        and probe.frame_rate is not None
        and not probe.is_variable_frame_rate  # re-encoding makes seeking and sync even
        and probe.frame_rate <= MAX_FRAME_RATE + Fraction(1, 2)
        and (probe.bit_rate or 0) <= REMUX_MAX_BIT_RATE
    )


def target_frame_rate(probe: ProbeResult) -> Fraction:
    """Constant output rate: the source's own when steady and <= 30, else a capped one."""
    rate = probe.frame_rate
    if probe.is_variable_frame_rate or rate is None:
        return VFR_OUTPUT_FRAME_RATE
    if rate <= MAX_FRAME_RATE + Fraction(1, 2):
        return rate
    if rate / 2 <= MAX_FRAME_RATE + Fraction(1, 2):
        return rate / 2  # 60 -> 30 and 59.94 -> 29.97 drop every other frame evenly
    return MAX_FRAME_RATE


def scaled_size(probe: ProbeResult, short_side: int) -> tuple[int, int]:
    """Display (width, height) with the short side ``short_side`` and the source's shape."""
    width, height = probe.display_width, probe.display_height
    factor = short_side / min(width, height)
    if width <= height:
        return _even(short_side), _even(height * factor)
    return _even(width * factor), _even(short_side)


def _plan(probe: ProbeResult, short_side: int, mode: Literal["encode", "remux"]) -> RenditionPlan:
    rung = next((r for r in LADDER if r.short_side >= short_side), LADDER[-1])
    if mode == "remux":
        width, height = probe.width, probe.height
    else:
        width, height = scaled_size(probe, short_side)
    return RenditionPlan(
        label=f"{short_side}p",
        width=width,
        height=height,
        mode=mode,
        frame_rate=target_frame_rate(probe) if mode == "encode" else None,
        audio=probe.has_audio,
        video_maxrate_kbps=rung.video_maxrate_kbps,
        audio_kbps=rung.audio_kbps,
    )


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
