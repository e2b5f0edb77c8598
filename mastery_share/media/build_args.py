"""ffmpeg argument lists for renditions and posters: pure functions, no ffmpeg is run here.

The graphs are built with ffmpeg-python (``get_args()`` only; it never runs anything) and
returned as plain argv lists *without* the ``ffmpeg`` program name; ``runner.run_ffmpeg``
adds the program and its logging/progress flags. Every input goes through
``formats.input_options`` (forced, whitelisted demuxer; local files only).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import ffmpeg

from .formats import file_url, input_options
from .probe import ProbeResult
from .profiles import PIX_FMT, X264_CRF, X264_PRESET, X264_PROFILE, RenditionPlan

PathLike = str | os.PathLike[str]

# Applied to every output: "-map_metadata -1" drops the source's global tags, which on
# phone videos include the GPS position of the classroom; "-map_chapters -1" likewise.
_PRIVATE_OUTPUT: dict[str, Any] = {"map_metadata": "-1", "map_chapters": "-1"}
POSTER_SHORT_CLIP_S = 10.0


def build_args(probe: ProbeResult, plan: RenditionPlan, src: PathLike, out: PathLike) -> list[str]:
    """Arguments that turn ``src`` into the one MP4 described by ``plan`` at ``out``."""
    if plan.mode == "remux":
        return build_remux_args(probe, src, out)
    return build_ladder_args(probe, [plan], src, [out])


def build_remux_args(probe: ProbeResult, src: PathLike, out: PathLike) -> list[str]:
    """Stream-copy a browser-ready source into a faststart MP4 (seconds, not minutes)."""
    source = ffmpeg.input(file_url(src), **input_options(probe.demuxer))
    streams = [source["v:0"]] + ([source["a:0"]] if probe.has_audio else [])
    extra = {} if probe.has_audio else {"an": None}
    output = ffmpeg.output(
        *streams,
        file_url(out),
        format="mp4",
        c="copy",
        movflags="+faststart",
        **extra,
        **_PRIVATE_OUTPUT,
    )
    return ["-y", *output.get_args()]


def build_ladder_args(
    probe: ProbeResult, plans: Sequence[RenditionPlan], src: PathLike, outs: Sequence[PathLike]
) -> list[str]:
    """Encode several renditions in ONE ffmpeg process: the source is decoded once and
    ``split`` feeds one scaler and encoder per output, which on 2 cores beats one process
    per rendition (each would decode the whole source again)."""
    if not plans or len(plans) != len(outs):
        raise ValueError("need one output path per plan")
    if any(plan.mode != "encode" for plan in plans):
        raise ValueError("remux plans are built with build_remux_args")
    rate = plans[0].frame_rate
    if rate is None or any(plan.frame_rate != rate for plan in plans):
        raise ValueError("renditions made together share one frame rate")
    source = ffmpeg.input(file_url(src), **input_options(probe.demuxer))
    # ffmpeg rotates the decoded picture by the display matrix before this graph, so the
    # sizes below are display sizes. The fps filter turns variable frame rate into constant.
    video = source["v:0"].filter("fps", fps=str(rate))
    branches = video.split() if len(plans) > 1 else None
    outputs = []
    for index, (plan, out) in enumerate(zip(plans, outs)):
        branch = branches[index] if branches is not None else video
        picture = (
            branch.filter("scale", plan.width, plan.height)
            .filter("setsar", 1)
            .filter("format", PIX_FMT)
        )
        streams = [picture] + ([source["a:0"]] if plan.audio and probe.has_audio else [])
        outputs.append(ffmpeg.output(*streams, file_url(out), **_encode_options(probe, plan)))
    graph = outputs[0] if len(outputs) == 1 else ffmpeg.merge_outputs(*outputs)
    return ["-y", *graph.get_args()]


def encode_option_args(probe: ProbeResult, plan: RenditionPlan) -> list[str]:
    """The rendition's output options as argv, for an encode fed by something other than a
    file (face blur pipes its frames in): the same file as the ladder would make."""
    args: list[str] = []
    for name, value in _encode_options(probe, plan).items():
        flag = "-f" if name == "format" else f"-{name}"  # as ffmpeg-python spells it
        args += [flag] + ([] if value is None else [str(value)])
    return args


def _encode_options(probe: ProbeResult, plan: RenditionPlan) -> dict[str, Any]:
    assert plan.frame_rate is not None
    options: dict[str, Any] = {
        "format": "mp4",
        "c:v": "libx264",
        "preset": X264_PRESET,
        "crf": X264_CRF,
        "profile:v": X264_PROFILE,
        "pix_fmt": PIX_FMT,
        "maxrate": f"{plan.video_maxrate_kbps}k",
        "bufsize": f"{plan.video_maxrate_kbps * 2}k",
        # A keyframe every ~2 s so seeking to a comment's timestamp starts promptly.
        "g": max(1, round(plan.frame_rate * 2)),
        "fps_mode": "cfr",
        "movflags": "+faststart",
        # Sources whose audio starts late otherwise abort with "too many packets buffered".
        "max_muxing_queue_size": 1024,
        **_PRIVATE_OUTPUT,
    }
    if plan.audio and probe.has_audio:
        options.update({"c:a": "aac", "b:a": f"{plan.audio_kbps}k"})
        if (probe.audio_channels or 2) > 2:
            options["ac"] = 2  # surround phone audio: browsers and laptops play stereo
    else:
        # A silent source gets no audio track rather than a silent or broken one.
        options["an"] = None
    return options


def poster_time(duration_s: float | None) -> float:
    """When to grab the poster: 10 % in, past fades and the "is it recording?" start;
    a short clip uses 1 s (or its middle when shorter than 2 s)."""
    if not duration_s or duration_s <= 0:
        return 0.0
    if duration_s < POSTER_SHORT_CLIP_S:
        return round(min(1.0, duration_s / 2), 3)
    return round(duration_s * 0.1, 3)


def build_poster_args(
    probe: ProbeResult, plans: Sequence[RenditionPlan], src: PathLike, out: PathLike
) -> list[str]:
    """One JPEG frame at ``poster_time``, the size of the largest rendition."""
    largest = max(plans, key=lambda plan: plan.width * plan.height)
    # -ss before the input seeks by keyframe index instead of decoding up to the frame.
    source = ffmpeg.input(
        file_url(src), ss=f"{poster_time(probe.duration_s):.3f}", **input_options(probe.demuxer)
    )
    picture = source["v:0"].filter("scale", largest.width, largest.height).filter("setsar", 1)
    output = ffmpeg.output(
        picture,
        file_url(out),
        format="image2",
        update=1,  # one still image, not a numbered sequence
        **{"frames:v": 1, "c:v": "mjpeg", "q:v": 3},
        **_PRIVATE_OUTPUT,
    )
    return ["-y", *output.get_args()]
