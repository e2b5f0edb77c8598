"""Links on the printed PLC agenda: each clip's watch-page address at its start, and the same
as a QR code, so a teacher at the meeting opens the clip on a phone (after signing in: the
link carries no access of its own)."""
from __future__ import annotations

from dataclasses import dataclass

import segno
from markupsafe import Markup

from ..links import external_url
from .presentation import ItemView


@dataclass(frozen=True)
class ClipLink:
    url: str
    qr_svg: Markup


def _moment(seconds: float | None) -> str | None:
    if not seconds:
        return None
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def clip_link(view: ItemView) -> ClipLink | None:
    """The clip's link and QR code; None for a video the viewer may no longer watch."""
    if not view.available:
        return None
    url = external_url("videos.watch", video_id=view.video.id, t=_moment(view.item.start_s))
    # segno writes only its own markup (paths and numbers), never the page's text.
    svg = segno.make(url, error="m").svg_inline(scale=2, border=2, svgclass="agenda-qr",
                                                lineclass=None, omitsize=False)
    return ClipLink(url, Markup(svg))
