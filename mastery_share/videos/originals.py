"""The original as uploaded: kept for its owner alone.

With face blur the original is the only copy with the children's faces, so nobody else may
fetch it (not a colleague, not an admin, whatever the video's visibility); the district's
retention rule may delete it before the video itself (retention.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.models import User
from ..errors import Forbidden, NotFound
from .playback import stored_file_response
from .services import get_video

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
    return stored_file_response(original.key, None, NO_STORE, download_name=original.filename)
