"""What other domains do when a video changes: keep search up to date, transcribe speech.

Services call these inside their transaction; the work itself runs after the commit.
"""
from __future__ import annotations

from .models import Video


def video_became_playable(video: Video) -> None:
    from ..search.queue import reindex_video_later
    from ..transcripts.jobs import transcribe_later

    reindex_video_later(video.id)
    transcribe_later(video)


def video_details_changed(video: Video) -> None:
    """Title, description, practices, visibility or captions changed."""
    from ..search.queue import reindex_video_later

    reindex_video_later(video.id)


def video_deleted(video_id: int) -> None:
    from ..search.queue import reindex_video_later

    reindex_video_later(video_id)
