"""What other domains do when a video changes: keep search up to date, transcribe speech,
tell its owner.

Services call these inside their transaction; the work itself runs after the commit.
"""
from __future__ import annotations

from ..notifications.kinds import NotificationKind
from .models import Video


def video_became_playable(video: Video) -> None:
    from ..search.queue import reindex_video_later
    from ..transcripts.jobs import transcribe_later

    reindex_video_later(video.id)
    transcribe_later(video)
    _tell_owner(video, NotificationKind.VIDEO_READY,
                f"Your video \u201c{video.title}\u201d is ready to watch.")


def video_failed(video: Video) -> None:
    """Processing ended in `failed` (its original is kept for a reprocess)."""
    _tell_owner(video, NotificationKind.VIDEO_FAILED,
                f"Your video \u201c{video.title}\u201d could not be processed: {video.error}")


def faces_to_review(video: Video, count: int) -> None:
    from ..links import app_path
    from ..notifications.services import notify

    faces = "one face" if count == 1 else f"{count} faces"
    notify(video.owner, NotificationKind.FACES_TO_REVIEW,
           f"We found {faces} in \u201c{video.title}\u201d. Choose which stay unblurred "
           "(yours, a co-teacher's) and publish it.",
           app_path("videos.review_faces_page", video_id=video.id), video_id=video.id)


def transcript_ready(video: Video) -> None:
    _tell_owner(video, NotificationKind.TRANSCRIPT_READY,
                f"The transcript of \u201c{video.title}\u201d is ready: its words are now "
                "searchable.")


def _tell_owner(video: Video, kind, text: str) -> None:
    from ..links import app_path
    from ..notifications.services import notify

    notify(video.owner, kind, text, app_path("videos.watch", video_id=video.id),
           video_id=video.id)


def video_details_changed(video: Video) -> None:
    """Title, description, practices, visibility or captions changed."""
    from ..search.queue import reindex_video_later

    reindex_video_later(video.id)


def video_deleted(video_id: int) -> None:
    from ..search.queue import reindex_video_later

    reindex_video_later(video_id)
