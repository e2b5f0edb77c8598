"""Which containers we let ffmpeg open, and the input options that enforce it.

An upload is untrusted. ffmpeg's demuxers for playlists (hls), concat lists, image
sequences and similar formats open *other* files or URLs named inside the upload, so a
text file renamed ``.mp4`` could make the worker read ``/etc/passwd`` or call an internal
HTTP service. Two ffmpeg options close that door, and every ffprobe/ffmpeg call on an
upload passes both:

* ``-protocol_whitelist file``: only the local file protocol may be used at all;
* ``-format_whitelist``: the probed demuxer must be one of the single-file containers
  below, checked by libavformat *before* the demuxer reads its header, so a playlist is
  rejected before it can open anything it names.

After probing, later calls also force the detected demuxer with ``-f`` so a file cannot be
re-detected as something else.
"""

from __future__ import annotations

import os

# Single-file containers only: none of these demuxers open other files or URLs
# (mov's external data references stay off, see input_options()).
VIDEO_DEMUXERS: tuple[str, ...] = (
    "mov",  # mov, mp4, m4a, 3gp, 3g2, mj2: phones, cameras, most exports
    "matroska",  # matroska and webm
    "avi",
    "mpegts",  # AVCHD .mts from camcorders
    "mpeg",  # MPEG program streams (.mpg, .vob)
    "asf",  # .wmv from older Windows tools
    "ogg",
)
# Audio-only containers are allowed to *open* so that a teacher who uploads a voice memo
# hears "only sound" rather than "not a video we can read"; validation then rejects them.
AUDIO_DEMUXERS: tuple[str, ...] = ("mp3", "wav", "flac", "aac")
ALLOWED_DEMUXERS: tuple[str, ...] = VIDEO_DEMUXERS + AUDIO_DEMUXERS

# Never allowed, whatever a future edit to the lists above says.
FORBIDDEN_DEMUXERS: frozenset[str] = frozenset(
    {"hls", "applehttp", "concat", "ffmetadata", "image2", "tee", "dash", "data", "lavfi"}
)


def file_url(path: str | os.PathLike[str]) -> str:
    """``file:`` plus an absolute path, so a name like ``http:x.mp4`` stays a local file."""
    return "file:" + os.path.abspath(os.fspath(path))


def demuxer_from_format_name(format_name: str) -> str | None:
    """The allowed demuxer ffprobe reported (``"mov,mp4,m4a,..."`` -> ``"mov"``), or None."""
    names = [name.strip() for name in format_name.split(",") if name.strip()]
    if not names or any(name in FORBIDDEN_DEMUXERS for name in names):
        return None
    return names[0] if names[0] in ALLOWED_DEMUXERS else None


def probe_input_options() -> dict[str, str]:
    """Input options for the first look at an upload, before its format is known."""
    return {
        "protocol_whitelist": "file",
        "format_whitelist": ",".join(ALLOWED_DEMUXERS),
    }


def input_options(demuxer: str) -> dict[str, str]:
    """Input options for reading an upload whose demuxer was already checked by probe()."""
    if demuxer not in ALLOWED_DEMUXERS or demuxer in FORBIDDEN_DEMUXERS:
        raise ValueError(f"demuxer {demuxer!r} is not allowed")
    options = {"f": demuxer, "protocol_whitelist": "file", "format_whitelist": demuxer}
    if demuxer == "mov":
        # Already ffmpeg's default; spelled out because external data references are
        # exactly the "read another file" behaviour this module exists to prevent.
        options["enable_drefs"] = "0"
    return options
