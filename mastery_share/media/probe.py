"""Look inside an uploaded file with ffprobe and describe it as a typed ``ProbeResult``.

This is the first thing that touches an untrusted upload, so it runs ffprobe itself rather
than through ``ffmpeg.probe`` (which cannot restrict protocols or demuxers): an argv list,
never a shell, the whitelists from ``formats``, and a timeout.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import MediaError
from .formats import demuxer_from_format_name, file_url, probe_input_options

FFPROBE = "ffprobe"
DEFAULT_PROBE_TIMEOUT_S = 30.0

NOT_A_VIDEO = "This file is not a video we can read."
INCOMPLETE = (
    "This file seems to be incomplete; the upload may have been cut off. Please upload it again."
)


@dataclass(frozen=True)
class ProbeResult:
    """What ffprobe found in one file; sizes are in pixels, durations in seconds."""

    format_name: str  # as ffprobe reports it, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    demuxer: str  # the allowed demuxer to force with -f in later calls, e.g. "mov"
    duration_s: float | None
    size_bytes: int
    bit_rate: int | None  # whole file, bits per second
    has_video: bool
    width: int  # coded size, before rotation (0 when there is no video)
    height: int
    display_width: int  # what a viewer sees: aspect ratio and rotation applied
    display_height: int
    rotation: int  # clockwise degrees a player turns the picture: 0, 90, 180 or 270
    video_codec: str | None
    pix_fmt: str | None
    sample_aspect_ratio: Fraction
    frame_rate: Fraction | None  # average frames per second
    r_frame_rate: Fraction | None  # the stream's base rate, per ffprobe
    is_variable_frame_rate: bool
    video_bit_rate: int | None
    has_audio: bool
    audio_codec: str | None
    audio_channels: int | None
    audio_bit_rate: int | None

    @property
    def short_side(self) -> int:
        """The "p" in 720p: the shorter display side, so portrait and landscape compare."""
        return min(self.display_width, self.display_height)

    @property
    def is_portrait(self) -> bool:
        return self.display_height > self.display_width


def probe(path: str | os.PathLike[str], timeout: float = DEFAULT_PROBE_TIMEOUT_S) -> ProbeResult:
    """Describe the video at ``path`` or raise ``MediaError`` with a reason a teacher understands."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise MediaError("The uploaded file could not be found.", f"missing: {path}") from None
    if size == 0:
        raise MediaError("The file is empty.")
    argv = [FFPROBE, "-v", "error"]
    for name, value in probe_input_options().items():
        argv += [f"-{name}", value]
    argv += ["-show_format", "-show_streams", "-of", "json", file_url(path)]
    try:
        completed = subprocess.run(
            argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise MediaError(NOT_A_VIDEO, f"ffprobe took longer than {timeout:g} s") from None
    stderr = completed.stderr.decode("utf-8", "replace").strip()
    if completed.returncode != 0:
        raise MediaError(_reason_for_ffprobe_error(path, stderr), stderr[-2000:])
    try:
        data = json.loads(completed.stdout)
    except ValueError:
        raise MediaError(NOT_A_VIDEO, "ffprobe printed no JSON") from None
    return parse_ffprobe(data, size)


def _reason_for_ffprobe_error(path: str | os.PathLike[str], stderr: str) -> str:
    # An MP4 whose index ("moov") never arrived is a cut-off upload, which a teacher can fix
    # by uploading again; but any file named .mp4 gets that message, so check the header.
    if "moov atom not found" in stderr and _starts_like_mp4(path):
        return INCOMPLETE
    return NOT_A_VIDEO


def _starts_like_mp4(path: str | os.PathLike[str]) -> bool:
    with open(path, "rb") as file:
        head = file.read(12)
    return head[4:8] in (b"ftyp", b"mdat", b"wide", b"free", b"skip", b"moov")


def parse_ffprobe(data: dict[str, Any], size_bytes: int) -> ProbeResult:
    """Turn ffprobe's JSON into a ``ProbeResult``; pure, so tests can feed it by hand."""
    fmt = data.get("format") or {}
    format_name = str(fmt.get("format_name") or "")
    demuxer = demuxer_from_format_name(format_name)
    if demuxer is None:
        # The format whitelist already refused anything else; this is the second lock.
        raise MediaError(NOT_A_VIDEO, f"format {format_name!r} is not allowed")
    streams = data.get("streams") or []
    video = _first_stream(streams, "video")
    audio = _first_stream(streams, "audio")
    video_fields = _video_fields(video) if video else _NO_VIDEO
    return ProbeResult(
        format_name=format_name,
        demuxer=demuxer,
        duration_s=_duration(fmt, streams),
        size_bytes=size_bytes,
        bit_rate=_int(fmt.get("bit_rate")),
        has_video=video is not None,
        **video_fields,
        has_audio=audio is not None,
        audio_codec=audio.get("codec_name") if audio else None,
        audio_channels=_int(audio.get("channels")) if audio else None,
        audio_bit_rate=_int(audio.get("bit_rate")) if audio else None,
    )


_NO_VIDEO: dict[str, Any] = {
    "width": 0,
    "height": 0,
    "display_width": 0,
    "display_height": 0,
    "rotation": 0,
    "video_codec": None,
    "pix_fmt": None,
    "sample_aspect_ratio": Fraction(1),
    "frame_rate": None,
    "r_frame_rate": None,
    "is_variable_frame_rate": False,
    "video_bit_rate": None,
}


def _first_stream(streams: list[dict[str, Any]], codec_type: str) -> dict[str, Any] | None:
    for stream in streams:
        if stream.get("codec_type") != codec_type:
            continue
        # Cover art in an audio file is a "video" stream of one picture: not a video.
        if (stream.get("disposition") or {}).get("attached_pic"):
            continue
        return stream
    return None


def _video_fields(stream: dict[str, Any]) -> dict[str, Any]:
    width, height = _int(stream.get("width")) or 0, _int(stream.get("height")) or 0
    sar = _ratio(stream.get("sample_aspect_ratio")) or Fraction(1)
    rotation = _rotation(stream)
    display_width, display_height = max(1, round(width * sar)) if width else 0, height
    if rotation in (90, 270):
        display_width, display_height = display_height, display_width
    avg = _ratio(stream.get("avg_frame_rate"))
    base = _ratio(stream.get("r_frame_rate"))
    return {
        "width": width,
        "height": height,
        "display_width": display_width,
        "display_height": display_height,
        "rotation": rotation,
        "video_codec": stream.get("codec_name"),
        "pix_fmt": stream.get("pix_fmt"),
        "sample_aspect_ratio": sar,
        "frame_rate": avg or base,
        "r_frame_rate": base,
        # Phones record variable frame rate: the nominal rate and the average then differ.
        "is_variable_frame_rate": bool(avg and base and abs(avg - base) / base > 0.01),
        "video_bit_rate": _int(stream.get("bit_rate")),
    }


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise rotation from the display matrix (ffprobe reports it counter-clockwise) or the
    legacy ``rotate`` tag, snapped to a quarter turn."""
    degrees: float | None = None
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            degrees = -float(side_data["rotation"])
            break
    if degrees is None:
        tag = (stream.get("tags") or {}).get("rotate")
        degrees = float(tag) if tag not in (None, "") else 0.0
    return (round(degrees / 90) * 90) % 360


def _duration(fmt: dict[str, Any], streams: list[dict[str, Any]]) -> float | None:
    candidates = [_float(fmt.get("duration"))] + [_float(s.get("duration")) for s in streams]
    known = [d for d in candidates if d is not None and d > 0]
    return known[0] if known else None


def _ratio(value: Any) -> Fraction | None:
    """ "30000/1001" or "16:15" -> Fraction; "0/0" and garbage -> None."""
    if not value:
        return None
    text = str(value).replace(":", "/")
    try:
        numerator, _, denominator = text.partition("/")
        result = Fraction(int(numerator), int(denominator or 1))
    except (ValueError, ZeroDivisionError):
        return None
    return result if result > 0 else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None
