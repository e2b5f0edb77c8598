"""The one error type the media layer raises.

Everything a teacher can cause (a wrong file, a too-long video) and everything that can go
wrong while converting ends up here, so the processing job needs exactly one ``except`` to
record a readable reason on the video and keep the original.
"""

from __future__ import annotations


class MediaError(Exception):
    """A media step failed; ``reason`` is written for the teacher, ``detail`` for us.

    ``reason`` is a short sentence safe to show on the video page. ``detail`` holds technical
    context (the tail of ffmpeg's stderr, an exit code) for logs and the rendition's error tail.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return self.reason
