"""The original as uploaded: kept for its owner alone.

With face blur the original is the only copy with the children's faces, so nobody else may
fetch it (not a colleague, not an admin, whatever the video's visibility); the district's
retention rule may delete it before the video itself (retention.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, redirect, send_file

from ..accounts.models import User
from ..errors import Forbidden, NotFound
from ..media.storage import ObjectNotFound
from .playback import ClosingBody
from .services import get_video
from .storage_access import media_storage

# Never kept by a browser or a cache on the way: it shows the children unblurred.
NO_STORE = "private, no-store"


@dataclass(frozen=True)
class Original:
    key: str
    filename: str


def original_for(owner: User, video_id: int) -> Original:
    video = get_video(owner, video_id)
    if video.owner_id != owner.id:
        raise Forbidden("Only the teacher who shared this video can download its original.")
    if video.original_deleted_at is not None:
        raise NotFound(f"The original was deleted on {video.original_deleted_at:%B %-d, %Y} "
                       "under your district's retention rule; the video stays playable.")
    return Original(key=video.original_key, filename=video.original_filename or "original")


def original_response(original: Original):
    """A download of the original: the local file, or a short presigned S3 redirect."""
    storage = media_storage()
    local = storage.local_path(original.key)
    if local is not None:
        if not local.is_file():
            raise NotFound("The original is missing from storage.")
        response = send_file(local, as_attachment=True, download_name=original.filename,
                             conditional=True, max_age=0)
        response.response = ClosingBody(response.response)
        response.headers["Cache-Control"] = NO_STORE
        return response
    try:
        url = storage.presigned_url(original.key,
                                    expires_s=int(current_app.config["S3_URL_TTL_S"]),
                                    cache_control=NO_STORE, download_name=original.filename)
    except ObjectNotFound:
        url = None
    if url is None:
        raise NotFound("The original is missing from storage.")
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = NO_STORE
    return response
