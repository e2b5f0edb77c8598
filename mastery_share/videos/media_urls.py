"""Signed, expiring, per-member media URLs.

Classroom videos show children, so a media URL is bound to the member it was made for and
expires; the serving view also re-checks that the member may still watch the video.
"""
from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app, url_for

from ..accounts.models import User
from ..query_args import whole_number
from .models import Video

MEDIA_NAMES = {"poster.jpg": "image/jpeg", "captions.vtt": "text/vtt",
               "descriptions.vtt": "text/vtt"}


def _signature(video_id: int, name: str, user_id: int, expires: int) -> str:
    message = f"media:{video_id}:{name}:{user_id}:{expires}".encode()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def media_url(viewer: User, video: Video, name: str, *, external: bool = False) -> str:
    ttl = int(current_app.config["MEDIA_URL_TTL_S"])
    # Rounded expiry: the same URL for a while, so the browser can cache the poster.
    expires = (int(time.time()) // 600 + 1) * 600 + ttl
    return url_for("videos.media", video_id=video.id, name=name, u=viewer.id, e=expires,
                   s=_signature(video.id, name, viewer.id, expires), _external=external)


def check_media_signature(video_id: int, name: str, user_id: str | None, expires: str | None,
                          signature: str | None) -> int | None:
    """The user id the URL was made for, or None when unsigned, tampered or expired."""
    user, expiry = whole_number(user_id), whole_number(expires, maximum=2**63 - 1)
    if not (user and expiry and signature) or expiry < time.time():
        return None
    expected = _signature(video_id, name, user, expiry)
    return user if hmac.compare_digest(expected, signature) else None


def rendition_name(label: str) -> str:
    return f"{label}.mp4"
